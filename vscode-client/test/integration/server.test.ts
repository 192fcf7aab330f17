// Integration: the REAL Python server, started with the extension's launch code, fed a terminal capture.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CodeAction, Diagnostic, Hover, MarkupContent } from "vscode-languageserver-protocol/node";
import { CaptureBuffer, cleanTerminalOutput, formatCaptureDocument } from "../../src/lib/capture";
import { serverLaunch } from "../../src/lib/launch";
import { didChangeConfigurationParams, serverSettings } from "../../src/lib/settings";
import { captureUriString } from "../../src/lib/uri";
import { CLIENT_DIR, REPO_DIR, Server, startServer, testPython } from "./lsp";

const ID = "claude-code/auth-401-invalid-credentials";
const LINE_401 =
  'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"Invalid authentication credentials"}}';
const CLIENT_COMMANDS = ["errhint.runFix", "errhint.copyFix", "errhint.openGuide", "errhint.openSource", "errhint.createReport"];

/** What the extension would build from a shell-integration stream: colours, CRLF, an OSC mark, chunked. */
function captureText(): { text: string; line: number } {
  const raw = [
    "\x1b]633;C\x07",
    "\x1b[2m╭─ Claude Code ─╮\x1b[0m\r\n",
    "Checking credentials...\r\n",
    `\x1b[31m${LINE_401}\x1b[0m\r\n`,
    "Please run /login · key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-BBBBBBBB\r\n",
  ].join("");
  const buf = new CaptureBuffer(262_144);
  for (let i = 0; i < raw.length; i += 17) buf.append(raw.slice(i, i + 17));
  const text = formatCaptureDocument(
    { commandLine: 'claude -p "hello"', cwd: "/home/dev/project", exitCode: 1, running: false, startedAt: new Date(0), terminalName: "bash" },
    cleanTerminalOutput(buf.text()),
  );
  const line = text.split("\n").findIndex((l) => l.startsWith("API Error: 401"));
  assert.ok(line > 0, "the 401 line is in the capture document");
  return { text, line };
}

describe("real errhint server over stdio (extension launch code)", () => {
  let server: Server;
  const uri = captureUriString("capture", 1, 'claude -p "hello"');
  const { text, line } = captureText();
  let diag: Diagnostic;

  before(async () => {
    const spec = serverLaunch({
      interpreter: { command: testPython(), args: [] },
      extensionPath: CLIENT_DIR,
      useBundled: false,
      cwd: REPO_DIR,
    });
    assert.equal(spec.mode, "environment");
    server = await startServer(spec, serverSettings(() => undefined, true));
  });

  after(async () => {
    if (server) await server.stop();
  });

  it("initializes without registering the commands the client implements", () => {
    const caps = server.init.capabilities;
    assert.ok(caps.hoverProvider, "hover provider");
    assert.ok(caps.codeActionProvider, "code action provider");
    const registered = caps.executeCommandProvider?.commands ?? [];
    for (const c of CLIENT_COMMANDS) assert.ok(!registered.includes(c), `${c} must not be registered by the server (clientCommands)`);
  });

  it("publishes the 401 diagnostic for an errhint-terminal: capture", async () => {
    await server.conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "log", version: 1, text } });
    const diags = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === ID));
    diag = diags.find((d) => d.code === ID)!;
    assert.equal(diag.source, "errhint");
    assert.equal(diag.severity, 1, "error severity");
    assert.equal(diag.range.start.line, line, "on the 401 line of the capture");
    assert.match(diag.codeDescription?.href ?? "", /^https?:\/\//);
    const message = diag.message as string;
    assert.ok(message.includes(" — "), `message is "title — quick fix": ${message}`);
    const data = diag.data as { id: string; title: string; tool: string; confidence: number };
    assert.equal(data.id, ID);
    assert.equal(data.tool, "claude-code");
    assert.ok(message.startsWith(data.title));
    assert.ok(data.confidence > 0 && data.confidence <= 1);
  });

  it("answers hover on the diagnostic with a markdown card", async () => {
    const hover = (await server.conn.sendRequest("textDocument/hover", {
      textDocument: { uri },
      position: { line: diag.range.start.line, character: diag.range.start.character + 3 },
    })) as Hover;
    assert.ok(hover, "a hover");
    const contents = hover.contents as MarkupContent;
    assert.equal(contents.kind, "markdown");
    assert.ok(contents.value.includes((diag.data as { title: string }).title), "card has the title");
    assert.ok(!contents.value.includes("sk-ant-api03-AAAA"), "no secret in the card");
  });

  it("offers quick fixes wired to the client's commands", async () => {
    const actions = (await server.conn.sendRequest("textDocument/codeAction", {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag], only: ["quickfix"] },
    })) as CodeAction[];
    assert.ok(actions.length > 0, "some code actions");
    const byCommand = new Map<string, CodeAction>();
    for (const a of actions) {
      assert.equal(a.kind, "quickfix");
      assert.ok(a.diagnostics?.length, `${a.title} lists its diagnostics`);
      assert.ok(a.command, `${a.title} has a command`);
      byCommand.set(a.command!.command, a);
    }
    const known = [...CLIENT_COMMANDS, "errhint.ignoreId"];
    for (const c of byCommand.keys()) assert.ok(known.includes(c), `unknown command ${c}`);
    const guide = byCommand.get("errhint.openGuide");
    assert.deepEqual(guide?.command?.arguments, [{ id: ID }]);
    const run = byCommand.get("errhint.runFix");
    assert.ok(run, "a runFix action");
    const fix = run!.command!.arguments![0] as { id: string; title: string; commands: Record<string, string> };
    assert.equal(fix.id, ID);
    assert.ok(typeof fix.title === "string" && fix.title);
    assert.ok(fix.commands.posix || fix.commands.powershell || fix.commands.cmd, "fix has a shell command");
    const src = byCommand.get("errhint.openSource");
    if (src) assert.match((src.command!.arguments![0] as { url: string }).url, /^https?:\/\//);
    const report = byCommand.get("errhint.createReport");
    if (report) assert.deepEqual(report.command!.arguments![0], { id: ID, uri, line: diag.range.start.line });
  });

  it("answers the custom requests the commands use", async () => {
    const guide = (await server.conn.sendRequest("errhint/renderGuide", { id: ID })) as { markdown: string };
    assert.ok(guide.markdown.length > 200, `renderGuide: ${JSON.stringify(guide).slice(0, 300)}`);
    const list = (await server.conn.sendRequest("errhint/listEntries", {})) as { entries: { id: string; title: string; tool: string }[] };
    assert.ok(list.entries.some((e) => e.id === ID && e.tool === "claude-code"));
    const scan = (await server.conn.sendRequest("errhint/scanText", { text: `hello\n${LINE_401}\n` })) as {
      matches: { id: string; line: number; column: number; title: string }[];
    };
    const m = scan.matches.find((x) => x.id === ID);
    assert.ok(m, "scanText finds the 401");
    assert.equal(m!.line, 1);
    const rep = (await server.conn.sendRequest("errhint/createReport", { id: ID, uri, line: diag.range.start.line })) as { markdown: string };
    assert.ok(rep.markdown.includes(ID) || rep.markdown.includes((diag.data as { title: string }).title));
    assert.ok(!rep.markdown.includes("sk-ant-api03-AAAAAAAAAAAA"), "report is redacted");
    const reload = (await server.conn.sendRequest("errhint/reload", {})) as { entries: number; errors: string[] };
    assert.ok(reload.entries >= 1);
    assert.ok(Array.isArray(reload.errors));
  });

  it("honours settings changes (ignoredIds) and rescans edits", async () => {
    const ignoring = serverSettings((k) => (k === "ignoredIds" ? [ID] : undefined), true);
    await server.conn.sendNotification("workspace/didChangeConfiguration", didChangeConfigurationParams(ignoring));
    // the capture is re-published without the ignored id (or after the next change)
    await server.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: text + "\n" }],
    });
    await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === ID));
    const normal = serverSettings(() => undefined, true);
    await server.conn.sendNotification("workspace/didChangeConfiguration", didChangeConfigurationParams(normal));
    await server.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 3 },
      contentChanges: [{ text }],
    });
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === ID));
    await server.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 4 },
      contentChanges: [{ text: "$ true\n# exit code: 0\n\nall good\n" }],
    });
    await server.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  it("shuts down cleanly", async () => {
    const s = server;
    server = undefined as unknown as Server;
    const code = await s.stop();
    assert.equal(code, 0, `exit code; stderr:\n${s.stderr().slice(-2000)}`);
  });
});
