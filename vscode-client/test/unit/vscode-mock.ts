// A light stand-in for the `vscode` module: just what src/captures.ts touches.
import Module from "node:module";

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static parse(s: string): Uri {
    const i = s.indexOf(":");
    return new Uri(s.slice(0, i), s.slice(i + 1));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
}

interface Provider {
  provideTextDocumentContent(uri: Uri): string;
  onDidChange?: (l: Listener<Uri>) => unknown;
}

export const state = {
  providers: new Map<string, Provider>(),
  documents: [] as { uri: Uri; text: string; version: number }[],
  opened: [] as string[],
  changes: [] as string[],
  startListeners: [] as Listener<unknown>[],
  endListeners: [] as Listener<unknown>[],
};

export function reset(): void {
  state.providers.clear();
  state.documents.length = 0;
  state.opened.length = 0;
  state.changes.length = 0;
  state.startListeners.length = 0;
  state.endListeners.length = 0;
}

export function text(uri: string): string | undefined {
  return state.documents.find((d) => d.uri.toString() === uri)?.text;
}

const vscodeMock = {
  EventEmitter,
  Uri,
  workspace: {
    get textDocuments() {
      return state.documents;
    },
    registerTextDocumentContentProvider(scheme: string, p: Provider) {
      state.providers.set(scheme, p);
      // Like VS Code: a change event re-reads the content of an open document.
      p.onDidChange?.((uri: Uri) => {
        const doc = state.documents.find((d) => d.uri.toString() === uri.toString());
        if (doc) {
          doc.text = p.provideTextDocumentContent(uri);
          doc.version += 1;
          state.changes.push(uri.toString());
        }
      });
      return { dispose: () => state.providers.delete(scheme) };
    },
    async openTextDocument(uri: Uri) {
      let doc = state.documents.find((d) => d.uri.toString() === uri.toString());
      if (!doc) {
        const p = state.providers.get(uri.scheme);
        if (!p) throw new Error(`no provider for ${uri.scheme}`);
        doc = { uri, text: p.provideTextDocumentContent(uri), version: 1 };
        state.documents.push(doc);
        state.opened.push(uri.toString());
      }
      return doc;
    },
  },
  window: {
    onDidStartTerminalShellExecution(l: Listener<unknown>) {
      state.startListeners.push(l);
      return { dispose() {} };
    },
    onDidEndTerminalShellExecution(l: Listener<unknown>) {
      state.endListeners.push(l);
      return { dispose() {} };
    },
  },
};

// Route require("vscode") to the mock.
const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = M._load;
M._load = function (request: string, ...rest: unknown[]) {
  if (request === "vscode") return vscodeMock;
  return originalLoad.call(this, request, ...rest);
};
