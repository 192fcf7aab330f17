// Terminal capture: one read-only errhint-terminal: document per command, kept in sync with its output.
import * as os from "node:os";
import * as vscode from "vscode";
import { CaptureBuffer, CaptureMeta, CaptureStore, cleanTerminalOutput, formatCaptureDocument, tildify } from "./lib/capture";
import { CAPTURE_SCHEME, CaptureKind, captureUriString } from "./lib/uri";

export interface Capture {
  uri: vscode.Uri;
  kind: CaptureKind;
  meta: CaptureMeta;
  buffer: CaptureBuffer;
  /** resolves when execution.read() has been drained */
  readDone?: Promise<void>;
  flushTimer?: NodeJS.Timeout;
  /** the document has been opened (and so sent to the language server) */
  opened: boolean;
}

export interface CaptureOptions {
  enabled: () => boolean;
  /** why capture is off, for the log */
  disabledReason?: () => string;
  maxChars: () => number;
  log: vscode.LogOutputChannel;
  /** called after a capture is pushed out of the store (dispose its server-side state) */
  onEvicted: (uri: vscode.Uri) => void;
}

const FLUSH_MS = 300;
const END_READ_TIMEOUT_MS = 3000;

/** Serves capture text to VS Code and so, through the language client, to the server. */
export class CaptureManager implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly store: CaptureStore<Capture>;
  private readonly byExecution = new WeakMap<vscode.TerminalShellExecution, Capture>();
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;

  constructor(keep: number, private readonly opts: CaptureOptions) {
    this.store = new CaptureStore<Capture>(keep);
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(CAPTURE_SCHEME, this), this.changed);
    // The shell integration API: stable since VS Code 1.93.
    this.disposables.push(
      vscode.window.onDidStartTerminalShellExecution((e) => this.onStart(e)),
      vscode.window.onDidEndTerminalShellExecution((e) => void this.onEnd(e)),
    );
  }

  setKeep(keep: number): void {
    for (const key of this.store.setLimit(keep)) this.evicted(key);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const c = this.store.get(uri.toString());
    if (!c) return "# errhint: this capture is no longer kept (see the errhint.terminal.keepCaptures setting)\n";
    return this.render(c);
  }

  get(uri: vscode.Uri | string): Capture | undefined {
    return this.store.get(uri.toString());
  }

  isRetained(uri: vscode.Uri | string): boolean {
    return this.store.has(uri.toString());
  }

  all(): Capture[] {
    return this.store.values().reverse();
  }

  private render(c: Capture): string {
    return formatCaptureDocument(c.meta, cleanTerminalOutput(c.buffer.text()));
  }

  private newCapture(kind: CaptureKind, meta: CaptureMeta): Capture {
    this.seq += 1;
    const uri = vscode.Uri.parse(captureUriString(kind, this.seq, meta.commandLine), true);
    const c: Capture = { uri, kind, meta, buffer: new CaptureBuffer(this.opts.maxChars()), opened: false };
    for (const key of this.store.add(uri.toString(), c)) this.evicted(key);
    return c;
  }

  private evicted(key: string): void {
    const uri = vscode.Uri.parse(key, true);
    this.changed.fire(uri);
    this.opts.onEvicted(uri);
  }

  /** Terminals running a command right now (a fix must not be typed into a running program). */
  private readonly busy = new Set<vscode.Terminal>();

  /** True when the terminal has shell integration and sits at its prompt. */
  isIdle(terminal: vscode.Terminal): boolean {
    return terminal.shellIntegration !== undefined && !this.busy.has(terminal) && terminal.exitStatus === undefined;
  }

  private onStart(e: vscode.TerminalShellExecutionStartEvent): void {
    this.busy.add(e.terminal);
    if (!this.opts.enabled()) {
      this.opts.log.debug(`not capturing \`${e.execution.commandLine.value}\`: ${this.opts.disabledReason?.() ?? "off"}`);
      return;
    }
    const ex = e.execution;
    const c = this.newCapture("capture", {
      commandLine: ex.commandLine.value,
      cwd: ex.cwd?.scheme === "file" ? tildify(ex.cwd.fsPath, os.homedir()) : ex.cwd?.toString(),
      running: true,
      startedAt: new Date(),
      terminalName: e.terminal.name,
      origin: "terminal",
    });
    this.byExecution.set(ex, c);
    // read() only yields output written after its first call: subscribe right here, in the start event.
    const stream = ex.read();
    c.readDone = (async () => {
      try {
        for await (const data of stream) {
          c.buffer.append(data);
          this.scheduleFlush(c);
        }
      } catch (err) {
        this.opts.log.warn(`terminal capture ${c.uri.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
  }

  private async onEnd(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    this.busy.delete(e.terminal);
    const c = this.byExecution.get(e.execution);
    if (!c) return;
    this.byExecution.delete(e.execution);
    c.meta.running = false;
    c.meta.exitCode = e.exitCode;
    if (c.readDone) {
      await Promise.race([c.readDone, new Promise((r) => setTimeout(r, END_READ_TIMEOUT_MS))]);
    }
    if (c.buffer.totalChars === 0) {
      this.opts.log.debug(`\`${c.meta.commandLine}\` ended (exit ${e.exitCode ?? "?"}) with no output seen`);
    }
    await this.flush(c);
  }

  private scheduleFlush(c: Capture): void {
    if (c.flushTimer) return;
    c.flushTimer = setTimeout(() => {
      c.flushTimer = undefined;
      void this.flush(c);
    }, FLUSH_MS);
  }

  /** Pushes the current text to VS Code (and so to the server). Empty captures are not sent. */
  async flush(c: Capture): Promise<void> {
    if (c.flushTimer) {
      clearTimeout(c.flushTimer);
      c.flushTimer = undefined;
    }
    if (!this.store.has(c.uri.toString())) return;
    if (c.buffer.totalChars === 0 && c.kind === "capture") return;
    const key = c.uri.toString();
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
    try {
      if (open) {
        this.changed.fire(c.uri);
      } else {
        // Opening the document (even without an editor) makes the language client send didOpen.
        await vscode.workspace.openTextDocument(c.uri);
        if (!c.opened) this.opts.log.info(`captured \`${c.meta.commandLine}\` as ${c.uri.toString()}`);
        c.opened = true;
      }
    } catch (err) {
      this.opts.log.warn(`could not open ${c.uri.toString()}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A capture made from text (terminal selection, clipboard), complete at once. */
  async fromText(kind: Exclude<CaptureKind, "capture">, text: string): Promise<Capture> {
    const c = this.newCapture(kind, {
      commandLine: kind,
      running: false,
      startedAt: new Date(),
      origin: kind === "selection" ? "selection" : "clipboard",
    });
    c.buffer.append(text);
    await this.flush(c);
    return c;
  }

  dispose(): void {
    for (const c of this.store.values()) if (c.flushTimer) clearTimeout(c.flushTimer);
    for (const d of this.disposables) d.dispose();
  }
}
