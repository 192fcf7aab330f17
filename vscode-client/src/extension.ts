// errhint VS Code extension: starts the errhint language server and feeds it terminal output.
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  DidCloseTextDocumentNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
  vsdiag,
} from "vscode-languageclient/node";
import { Capture, CaptureManager } from "./captures";
import { Discovery, discoverInterpreter, probeInterpreter, whichOnPath } from "./lib/interpreter";
import { serverLaunch } from "./lib/launch";
import { NotificationGate, notifiable, notificationText, pickFixCommand, shellKind, truncate } from "./lib/notify";
import {
  affectsAny,
  ClientSettings,
  clientSettings,
  didChangeConfigurationParams,
  documentSelector,
  RESTART_KEYS,
  ServerSettings,
  serverSettings,
} from "./lib/settings";
import { CAPTURE_SCHEME, GUIDE_SCHEME, guidePath } from "./lib/uri";

interface FixArgs {
  id: string;
  title?: string;
  commands?: { posix?: string; powershell?: string; cmd?: string };
  pack?: string;
}
interface EntrySummary {
  id: string;
  title: string;
  tool?: string;
  pack?: string;
}
interface ScanMatch {
  id: string;
  title: string;
  tool?: string;
  severity?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  confidence?: number;
  quickFix?: string;
}

let client: LanguageClient | undefined;
let log: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let captures: CaptureManager;
let serverState: "starting" | "running" | "stopped" | "failed" | "disabled" = "stopped";
const gate = new NotificationGate();
const guides = new Map<string, string>();
const guideChanged = new vscode.EventEmitter<vscode.Uri>();
/** capture URIs whose didClose we sent ourselves (so a later close from VS Code is not sent twice) */
const closedByUs = new Set<string>();
let starting: Promise<void> | undefined;
let interpreterSource: string | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration("errhint");
}
function currentClientSettings(): ClientSettings {
  const c = config();
  return clientSettings((k) => c.get(k));
}
function currentServerSettings(): ServerSettings {
  const c = config();
  return serverSettings((k) => c.get(k), vscode.workspace.isTrusted);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  log = vscode.window.createOutputChannel("errhint", { log: true });
  status = vscode.window.createStatusBarItem("errhint.status", vscode.StatusBarAlignment.Left, 10);
  status.name = "errhint";
  status.command = "errhint.showCaptures";
  status.show();
  context.subscriptions.push(log, status, guideChanged);

  const cs = currentClientSettings();
  captures = new CaptureManager(cs.keepCaptures, {
    enabled: () => {
      const s = currentClientSettings();
      return s.enable && s.capture && client?.state === State.Running;
    },
    disabledReason: () => {
      const s = currentClientSettings();
      return !s.enable ? "errhint.enable is off" : !s.capture ? "errhint.terminal.capture is off" : `server ${serverState}`;
    },
    maxChars: () => currentClientSettings().maxCaptureBytes,
    log,
    onEvicted: (uri) => void closeCaptureOnServer(uri),
  });
  context.subscriptions.push(captures);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(GUIDE_SCHEME, {
      onDidChange: guideChanged.event,
      provideTextDocumentContent: (uri) => guides.get(uri.toString()) ?? "_errhint: guide not loaded._\n",
    }),
  );

  registerCommands(context);

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => void onConfigChanged(e)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void pushSettings()),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
  );

  if (cs.enable) await startClient(context);
  else setState("disabled");
  void watchPythonExtension(context);
}

/** Restart when the Python extension's active interpreter changes and errhint runs on it. */
async function watchPythonExtension(context: vscode.ExtensionContext): Promise<void> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const api: any = ext.isActive ? ext.exports : await ext.activate();
    const event = api?.environments?.onDidChangeActiveEnvironmentPath;
    if (typeof event !== "function") return;
    context.subscriptions.push(
      event(() => {
        if (interpreterSource === "python-extension" || serverState === "failed") {
          log.info("the Python extension's interpreter changed: restarting the server");
          void restart();
        }
      }),
    );
  } catch (err) {
    log.debug(`Python extension API unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

// ---------------------------------------------------------------- server lifecycle

async function findInterpreter(): Promise<Discovery> {
  const s = currentClientSettings();
  return discoverInterpreter({
    platform: process.platform,
    setting: s.interpreter,
    pythonExtension: pythonExtensionInterpreter,
    which: (cmd) => whichOnPath(cmd),
    probe: (i) => probeInterpreter(i),
  });
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const api: any = ext.isActive ? ext.exports : await ext.activate();
  const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
  const envs = api?.environments;
  if (envs?.getActiveEnvironmentPath) {
    const active = envs.getActiveEnvironmentPath(resource);
    const resolved = await envs.resolveEnvironment(active);
    const exe: string | undefined = resolved?.executable?.uri?.fsPath;
    if (exe) return exe;
  }
  const details = api?.settings?.getExecutionDetails?.(resource);
  return details?.execCommand?.[0];
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  if (starting) return starting;
  starting = (async () => {
    setState("starting");
    const found = await findInterpreter();
    for (const n of found.notes) log.info(n);
    if (!found.ok) {
      log.error(found.message);
      setState("failed", found.message);
      const choice = await vscode.window.showErrorMessage(found.message, "Open Settings", "Show Output");
      if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "errhint.interpreter");
      if (choice === "Show Output") log.show();
      return;
    }
    interpreterSource = found.source;
    const cs = currentClientSettings();
    const launch = serverLaunch({
      interpreter: found.interpreter,
      extensionPath: context.extensionPath,
      useBundled: cs.useBundledServer,
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    log.info(
      `Starting errhint server (${launch.mode}) with Python ${found.version} from ${found.source}: ` +
        [launch.command, ...launch.args].join(" "),
    );
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      options: launch.options,
      transport: TransportKind.stdio,
    };
    const settings = currentServerSettings();
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(settings, CAPTURE_SCHEME),
      initializationOptions: settings,
      outputChannel: log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        handleDiagnostics: (uri, diagnostics, next) => {
          next(uri, diagnostics);
          if (uri.scheme === CAPTURE_SCHEME) {
            log.debug(`${diagnostics.length} diagnostic(s) for ${uri.toString()}`);
            void maybeNotify(uri, diagnostics);
          }
        },
        didClose: async (document, next) => {
          const key = document.uri.toString();
          // A capture VS Code closed on its own (no editor shows it) keeps its diagnostics until it is disposed.
          if (document.uri.scheme === CAPTURE_SCHEME && (captures.isRetained(key) || closedByUs.delete(key))) return;
          return next(document);
        },
        // The server pushes diagnostics (diagnosticMode "push", so a capture that VS Code closes keeps its
        // diagnostics). It also advertises pull diagnostics statically; answering pulls with an empty report
        // here keeps VS Code from showing every error twice.
        provideDiagnostics: () => ({ kind: vsdiag.DocumentDiagnosticReportKind.full, items: [] }),
        workspace: {
          configuration: (params, token, next) => {
            // The server may pull settings: answer for "errhint" with the same mapping as initializationOptions.
            const s = currentServerSettings();
            return params.items.map((item) => (item.section === "errhint" || !item.section ? s : null));
          },
        },
      },
    };
    const c = new LanguageClient("errhint", "errhint", serverOptions, clientOptions);
    c.onDidChangeState((e) => {
      if (c !== client || serverState === "failed") return;
      if (e.newState === State.Running) setState("running");
      else if (e.newState === State.Stopped) setState("stopped");
    });
    client = c;
    try {
      await c.start();
      setState("running");
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      log.error(`errhint server failed to start: ${msg}`);
      setState("failed", msg);
      const choice = await vscode.window.showErrorMessage(
        `errhint: the language server failed to start (${truncate(msg, 120)}).`,
        "Show Output",
        "Restart",
      );
      if (choice === "Show Output") log.show();
      if (choice === "Restart") void vscode.commands.executeCommand("errhint.restart");
    }
  })().finally(() => {
    starting = undefined;
  });
  return starting;
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  try {
    if (c.isRunning()) await c.stop(5000);
  } catch (err) {
    log.warn(`stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await c.dispose();
  } catch {
    /* already disposed */
  }
  setState("stopped");
}

let extensionContext: vscode.ExtensionContext;

async function restart(): Promise<void> {
  await stopClient();
  if (currentClientSettings().enable) await startClient(extensionContext);
  else setState("disabled");
}

async function onConfigChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!e.affectsConfiguration("errhint")) return;
  captures.setKeep(currentClientSettings().keepCaptures);
  if (affectsAny((s) => e.affectsConfiguration(s), RESTART_KEYS)) {
    log.info("errhint settings changed: restarting the server");
    await restart();
    return;
  }
  await pushSettings();
}

async function pushSettings(): Promise<void> {
  if (!client?.isRunning()) return;
  await client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(currentServerSettings()));
}

async function closeCaptureOnServer(uri: vscode.Uri): Promise<void> {
  const key = uri.toString();
  gate.forget(key);
  if (!client?.isRunning()) return;
  closedByUs.add(key);
  try {
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: key } });
  } catch {
    /* the server is going away */
  }
  client.diagnostics?.delete(uri);
  updateStatus();
}

// ---------------------------------------------------------------- status bar

function setState(s: typeof serverState, detail?: string): void {
  serverState = s;
  updateStatus(detail);
}

function captureErrorCount(): number {
  let n = 0;
  for (const [uri, diags] of vscode.languages.getDiagnostics()) {
    if (uri.scheme !== CAPTURE_SCHEME) continue;
    n += diags.filter((d) => d.source === "errhint" && d.severity === vscode.DiagnosticSeverity.Error).length;
  }
  return n;
}

function updateStatus(detail?: string): void {
  if (!status) return;
  status.backgroundColor = undefined;
  switch (serverState) {
    case "starting":
      status.text = "$(sync~spin) errhint";
      status.tooltip = "errhint: starting the language server";
      return;
    case "failed":
      status.text = "$(warning) errhint";
      status.tooltip = `errhint: the server is not running${detail ? ` — ${detail}` : ""}. Click for options.`;
      status.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
      return;
    case "stopped":
      status.text = "$(circle-slash) errhint";
      status.tooltip = "errhint: the language server is stopped";
      return;
    case "disabled":
      status.text = "$(circle-slash) errhint";
      status.tooltip = "errhint is disabled (errhint.enable)";
      return;
    case "running": {
      const n = captureErrorCount();
      status.text = n ? `$(error) errhint: ${n}` : "$(check) errhint";
      status.tooltip = n
        ? `errhint: ${n} known error${n === 1 ? "" : "s"} found in terminal output. Click to see them.`
        : "errhint: watching terminal output for known errors";
      return;
    }
  }
}

// ---------------------------------------------------------------- notifications

function diagId(d: vscode.Diagnostic): string {
  const code = d.code;
  if (typeof code === "object" && code) return String(code.value);
  return code === undefined ? d.message : String(code);
}

function diagTitle(d: vscode.Diagnostic): string {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const data = (d as any).data;
  return typeof data?.title === "string" ? data.title : d.message.split(" — ")[0];
}

async function maybeNotify(uri: vscode.Uri, diagnostics: vscode.Diagnostic[]): Promise<void> {
  const s = currentClientSettings();
  const capture = captures.get(uri);
  if (!s.notifications || !capture || capture.kind !== "capture") return;
  const ours = diagnostics.filter((d) => d.source === "errhint");
  const byId = new Map(ours.map((d) => [diagId(d), d] as const));
  const candidates = notifiable(
    ours.map((d) => ({
      severity: d.severity === vscode.DiagnosticSeverity.Error ? ("error" as const) : ("warning" as const),
      code: diagId(d),
      title: diagTitle(d),
      message: d.message,
    })),
  );
  for (const c of candidates) {
    const id = c.code!;
    if (!gate.shouldNotify(uri.toString(), id)) continue;
    void showErrorNotification(capture, byId.get(id)!, id);
  }
}

async function findFixAction(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.Command | undefined> {
  try {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      "vscode.executeCodeActionProvider",
      uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    for (const a of actions ?? []) {
      const cmd = "command" in a && typeof a.command === "object" ? a.command : (a as vscode.Command);
      if (cmd?.command === "errhint.runFix") return cmd;
    }
  } catch (err) {
    log.warn(`code actions for ${uri.toString()}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return undefined;
}

async function showErrorNotification(capture: Capture, d: vscode.Diagnostic, id: string): Promise<void> {
  const fix = await findFixAction(capture.uri, d);
  const buttons = fix ? ["Show fix", "Run fix", "Dismiss"] : ["Show fix", "Dismiss"];
  const text = notificationText({ severity: "error", code: id, title: diagTitle(d), message: d.message }, capture.meta.commandLine);
  log.info(`recognised ${id} in ${capture.uri.toString()}`);
  const choice = await vscode.window.showWarningMessage(text, ...buttons);
  if (choice === "Show fix") await revealDiagnostic(capture.uri, d);
  else if (choice === "Run fix" && fix) await vscode.commands.executeCommand(fix.command, ...(fix.arguments ?? []));
}

async function revealDiagnostic(uri: vscode.Uri, d: vscode.Diagnostic): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: true, selection: d.range });
  editor.revealRange(d.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  editor.selection = new vscode.Selection(d.range.start, d.range.start);
  // The hover card is the explanation; show it where the error is.
  await new Promise((r) => setTimeout(r, 150));
  await vscode.commands.executeCommand("editor.action.showHover");
}

// ---------------------------------------------------------------- commands

function requireClient(): LanguageClient {
  if (!client || !client.isRunning()) {
    throw new Error("the errhint server is not running (see the errhint output, or run “errhint: Restart Server”)");
  }
  return client;
}

function wrap<A extends unknown[]>(name: string, fn: (...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      log.error(`${name}: ${msg}`);
      void vscode.window.showErrorMessage(`errhint: ${msg}`);
    }
  };
}

async function openGuide(arg: { id: string } | string): Promise<void> {
  const id = typeof arg === "string" ? arg : arg?.id;
  if (!id) throw new Error("no knowledge entry id given");
  const res = await requireClient().sendRequest<{ markdown: string }>("errhint/renderGuide", { id });
  const uri = vscode.Uri.from({ scheme: GUIDE_SCHEME, path: guidePath(id) });
  guides.set(uri.toString(), res.markdown);
  guideChanged.fire(uri);
  try {
    await vscode.commands.executeCommand("markdown.showPreview", uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

function fixCommandFor(arg: FixArgs): { command: string; kind: string } | undefined {
  return pickFixCommand(arg.commands, shellKind(vscode.env.shell, process.platform));
}

async function runFix(arg: FixArgs): Promise<void> {
  if (!arg?.commands) throw new Error("this fix has no command to run");
  const picked = fixCommandFor(arg);
  if (!picked) {
    const any = arg.commands.posix ?? arg.commands.powershell ?? arg.commands.cmd;
    void vscode.window.showInformationMessage(
      `errhint: “${arg.title ?? arg.id}” has no command for your shell (${shellKind(vscode.env.shell, process.platform)}).`,
      ...(any ? ["Copy the other command"] : []),
    ).then((c) => {
      if (c && any) void vscode.env.clipboard.writeText(any);
    });
    return;
  }
  // Run it where the error happened when that shell is at its prompt (so `unset`/`export` fixes take
  // effect there); otherwise in a new terminal. Either way the user sees it and confirms first.
  const active = vscode.window.activeTerminal;
  const target = active && captures.isIdle(active) ? active : undefined;
  const where = target ? `in the terminal “${target.name}”` : "in a new terminal";
  const choice = await vscode.window.showWarningMessage(
    `Run this fix ${where}?`,
    {
      modal: true,
      detail:
        `${arg.title ?? arg.id}\n\n${picked.command}\n\n` +
        "errhint never runs a fix by itself: it runs only if you choose Run, in a terminal you can see.",
    },
    "Run in Terminal",
    "Copy",
  );
  if (choice === "Copy") return copyFix(arg);
  if (choice !== "Run in Terminal") return;
  if (target?.shellIntegration) {
    target.show();
    target.shellIntegration.executeCommand(picked.command);
  } else {
    const terminal = vscode.window.createTerminal({ name: `errhint fix: ${truncate(arg.title ?? arg.id, 40)}` });
    terminal.show();
    terminal.sendText(picked.command, true);
  }
  log.info(`ran fix for ${arg.id} ${where} (user confirmed): ${picked.command}`);
}

async function copyFix(arg: FixArgs): Promise<void> {
  const picked = fixCommandFor(arg);
  const command = picked?.command ?? arg?.commands?.posix ?? arg?.commands?.powershell ?? arg?.commands?.cmd;
  if (!command) throw new Error("this fix has no command to copy");
  await vscode.env.clipboard.writeText(command);
  void vscode.window.showInformationMessage(`errhint: copied “${truncate(command, 80)}”`);
}

async function openSource(arg: { url: string; title?: string }): Promise<void> {
  const url = arg?.url ?? "";
  if (!/^https?:\/\//i.test(url)) throw new Error(`refusing to open a non-web link: ${url}`);
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
}

async function createReport(arg: { id: string; uri: string; line: number }): Promise<void> {
  const res = await requireClient().sendRequest<{ markdown: string }>("errhint/createReport", arg);
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: res.markdown });
  await vscode.window.showTextDocument(doc);
}

async function scanAndShow(kind: "selection" | "clipboard", text: string): Promise<void> {
  if (!text.trim()) {
    void vscode.window.showInformationMessage(
      kind === "selection" ? "errhint: select some text in the terminal first." : "errhint: the clipboard is empty.",
    );
    return;
  }
  const res = await requireClient().sendRequest<{ matches: ScanMatch[] }>("errhint/scanText", { text });
  const capture = await captures.fromText(kind, text);
  if (!res.matches.length) {
    void vscode.window.showInformationMessage(`errhint: no known error in the ${kind} (${text.split("\n").length} lines).`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(capture.uri);
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function scanTerminalSelection(): Promise<void> {
  if (!vscode.window.activeTerminal) throw new Error("no active terminal");
  const previous = await vscode.env.clipboard.readText();
  await vscode.commands.executeCommand("workbench.action.terminal.copySelection");
  const text = await vscode.env.clipboard.readText();
  await vscode.env.clipboard.writeText(previous);
  await scanAndShow("selection", text === previous ? "" : text);
}

async function explainSelection(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const text = editor ? editor.selections.map((s) => editor.document.getText(s)).join("\n") : "";
  if (!text.trim()) throw new Error("select the error text in an editor first");
  const res = await requireClient().sendRequest<{ matches: ScanMatch[] }>("errhint/scanText", { text });
  const unique = [...new Map(res.matches.map((m) => [m.id, m])).values()];
  if (!unique.length) {
    void vscode.window.showInformationMessage("errhint: no known error in the selection.");
    return;
  }
  const pick =
    unique.length === 1
      ? unique[0]
      : (
          await vscode.window.showQuickPick(
            unique.map((m) => ({ label: m.title, description: m.id, detail: m.quickFix, m })),
            { placeHolder: "Several known errors in the selection: which one?" },
          )
        )?.m;
  if (pick) await openGuide(pick.id);
}

async function showEntry(): Promise<void> {
  const res = await requireClient().sendRequest<{ entries: EntrySummary[] }>("errhint/listEntries", {});
  const pick = await vscode.window.showQuickPick(
    res.entries.map((e) => ({ label: e.title, description: e.id, detail: [e.tool, e.pack].filter(Boolean).join(" · "), e })),
    { placeHolder: `${res.entries.length} known errors`, matchOnDescription: true, matchOnDetail: true },
  );
  if (pick) await openGuide(pick.e.id);
}

async function reload(): Promise<void> {
  const res = await requireClient().sendRequest<{ entries: number; errors: string[] }>("errhint/reload", {});
  for (const e of res.errors) log.warn(`knowledge: ${e}`);
  if (res.errors.length) {
    const c = await vscode.window.showWarningMessage(
      `errhint: loaded ${res.entries} entries; ${res.errors.length} problem${res.errors.length === 1 ? "" : "s"} in knowledge files.`,
      "Show Output",
    );
    if (c) log.show();
  } else {
    void vscode.window.showInformationMessage(`errhint: loaded ${res.entries} knowledge entries.`);
  }
}

function userKnowledgeDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "errhint", "knowledge");
}

async function openKnowledgeFolder(): Promise<void> {
  type Item = vscode.QuickPickItem & { dir: vscode.Uri; inWorkspace: boolean };
  const items: Item[] = [];
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    items.push({
      label: "Workspace knowledge",
      description: ".errhint/knowledge",
      detail: vscode.workspace.isTrusted ? undefined : "Not loaded while this workspace is untrusted",
      dir: vscode.Uri.joinPath(folder.uri, ".errhint", "knowledge"),
      inWorkspace: true,
    });
  }
  items.push({ label: "User knowledge", description: userKnowledgeDir(), dir: vscode.Uri.file(userKnowledgeDir()), inWorkspace: false });
  for (const p of currentServerSettings().knowledgePaths) {
    items.push({ label: "From errhint.knowledgePaths", description: p, dir: vscode.Uri.file(p), inWorkspace: false });
  }
  const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: "Which knowledge folder?" });
  if (!pick) return;
  await vscode.workspace.fs.createDirectory(pick.dir);
  if (pick.inWorkspace) {
    await vscode.commands.executeCommand("revealInExplorer", pick.dir);
  } else {
    await vscode.commands.executeCommand("vscode.openFolder", pick.dir, { forceNewWindow: true });
  }
}

async function showCaptures(): Promise<void> {
  if (serverState === "failed" || serverState === "stopped") {
    const c = await vscode.window.showWarningMessage("errhint: the server is not running.", "Restart", "Show Output");
    if (c === "Restart") await restart();
    if (c === "Show Output") log.show();
    return;
  }
  const items = captures.all().map((c) => {
    const errors = vscode.languages.getDiagnostics(c.uri).filter((d) => d.source === "errhint");
    return {
      label: `${errors.length ? "$(error)" : "$(terminal)"} ${truncate(c.meta.commandLine, 70)}`,
      description: errors.length ? errors.map(diagTitle).join(", ") : undefined,
      detail: `${c.meta.cwd ?? ""}  ${c.meta.running ? "running" : `exit ${c.meta.exitCode ?? "?"}`}`,
      c,
      errors: errors.length,
    };
  });
  items.sort((a, b) => b.errors - a.errors);
  if (!items.length) {
    void vscode.window.showInformationMessage(
      "errhint: no terminal output captured yet (captures need shell integration; use “errhint: Scan Terminal Selection” otherwise).",
    );
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: "Terminal captures (newest first, errors on top)" });
  if (pick) {
    const doc = await vscode.workspace.openTextDocument(pick.c.uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

function registerCommands(context: vscode.ExtensionContext): void {
  extensionContext = context;
  const reg = (name: string, fn: (...args: any[]) => Promise<unknown>) =>
    context.subscriptions.push(vscode.commands.registerCommand(name, wrap(name, fn)));
  reg("errhint.restart", restart);
  reg("errhint.showOutput", async () => log.show());
  reg("errhint.scanTerminalSelection", scanTerminalSelection);
  reg("errhint.scanClipboard", async () => scanAndShow("clipboard", await vscode.env.clipboard.readText()));
  reg("errhint.explainSelection", explainSelection);
  reg("errhint.showEntry", showEntry);
  reg("errhint.reload", reload);
  reg("errhint.openKnowledgeFolder", openKnowledgeFolder);
  reg("errhint.showCaptures", showCaptures);
  reg("errhint.runFix", runFix);
  reg("errhint.copyFix", copyFix);
  reg("errhint.openGuide", openGuide);
  reg("errhint.openSource", openSource);
  reg("errhint.createReport", createReport);
}
