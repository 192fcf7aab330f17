// A minimal LSP client over stdio for tests: starts the server with the extension's own launch code.
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { existsSync } from "node:fs";
import {
  createProtocolConnection,
  Diagnostic,
  InitializeResult,
  ProtocolConnection,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { LaunchSpec } from "../../src/lib/launch";

export const CLIENT_DIR = path.resolve(__dirname, "..", "..", "..");
export const REPO_DIR = path.resolve(CLIENT_DIR, "..");

/** The project's interpreter: $ERRHINT_TEST_PYTHON, else <repo>/.venv. Fails loudly when missing. */
export function testPython(): string {
  const py = process.env.ERRHINT_TEST_PYTHON || path.join(REPO_DIR, ".venv", "bin", "python");
  if (!existsSync(py)) {
    throw new Error(`no Python for the integration test at ${py}: run \`make venv\` or set ERRHINT_TEST_PYTHON`);
  }
  return py;
}

export interface Server {
  proc: ChildProcess;
  conn: ProtocolConnection;
  init: InitializeResult;
  stderr: () => string;
  /** diagnostics published so far, by uri (last publication wins) */
  diagnostics: Map<string, Diagnostic[]>;
  waitForDiagnostics(uri: string, pred: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  appliedEdits: unknown[];
  stop(): Promise<number | null>;
}

export async function startServer(spec: LaunchSpec, initializationOptions: unknown, rootDir = REPO_DIR): Promise<Server> {
  const proc = spawn(spec.command, spec.args, { env: spec.options.env, cwd: spec.options.cwd, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  proc.stderr!.on("data", (b: Buffer) => {
    err += b.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  const waiters: Array<() => void> = [];
  const appliedEdits: unknown[] = [];
  conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of [...waiters]) w();
  });
  conn.onNotification("window/logMessage", () => undefined);
  conn.onNotification("window/showMessage", () => undefined);
  conn.onNotification("$/logTrace", () => undefined);
  conn.onRequest("workspace/configuration", (p: { items: { section?: string }[] }) =>
    p.items.map(() => initializationOptions),
  );
  conn.onRequest("client/registerCapability", () => null);
  conn.onRequest("client/unregisterCapability", () => null);
  conn.onRequest("window/workDoneProgress/create", () => null);
  conn.onRequest("window/showMessageRequest", () => null);
  conn.onRequest("workspace/applyEdit", (p: unknown) => {
    appliedEdits.push(p);
    return { applied: true };
  });
  conn.listen();

  const rootUri = "file://" + rootDir;
  const died = exited.then((code) => {
    throw new Error(`server exited (${code}) before answering initialize; stderr:\n${err}`);
  });
  died.catch(() => undefined);
  const init = (await withTimeout(
    Promise.race([died, conn.sendRequest("initialize", {
      processId: process.pid,
      clientInfo: { name: "errhint-vscode-test" },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "repo" }],
      initializationOptions,
      capabilities: {
        workspace: { configuration: true, applyEdit: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true, showMessage: {} },
        textDocument: {
          synchronization: { dynamicRegistration: true, didSave: true },
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: false },
          hover: { contentFormat: ["markdown", "plaintext"] },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "refactor", "source"] } },
            dataSupport: true,
            isPreferredSupport: true,
          },
        },
        general: { positionEncodings: ["utf-16"] },
      },
    })]),
    30_000,
    () => `initialize timed out; server stderr:\n${err}`,
  )) as InitializeResult;
  await conn.sendNotification("initialized", {});

  return {
    proc,
    conn,
    init,
    stderr: () => err,
    diagnostics,
    appliedEdits,
    waitForDiagnostics(uri, pred, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const d = diagnostics.get(uri);
          if (d && pred(d)) {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(check), 1);
            resolve(d);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms (have ${JSON.stringify(diagnostics.get(uri))}); stderr:\n${err}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async stop() {
      try {
        await withTimeout(conn.sendRequest("shutdown"), 10_000, () => "shutdown timed out");
        await conn.sendNotification("exit");
      } catch {
        proc.kill();
      }
      const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => { proc.kill("SIGKILL"); r(null); }, 10_000))]);
      conn.dispose();
      return code;
    },
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, msg: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(msg())), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
