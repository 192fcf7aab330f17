// CaptureManager (src/captures.ts) against a light vscode mock: the shell-integration flow end to end.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as mock from "./vscode-mock";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CaptureManager } = require("../../src/captures") as typeof import("../../src/captures");

const LINE_401 = 'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"Invalid authentication credentials"}}';

function execution(chunks: string[], commandLine = "claude -p hi") {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reads = 0;
  return {
    ex: {
      commandLine: { value: commandLine },
      cwd: mock.Uri.parse("file:/home/dev/project"),
      read() {
        reads += 1;
        return (async function* () {
          for (const c of chunks) {
            await new Promise((r) => setTimeout(r, 5));
            yield c;
          }
          await gate;
        })();
      },
    },
    finish: () => release(),
    reads: () => reads,
  };
}

const log = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function manager(keep = 3, maxChars = 262_144, evicted: string[] = []) {
  return new CaptureManager(keep, {
    enabled: () => true,
    maxChars: () => maxChars,
    log: log as never,
    onEvicted: (uri) => evicted.push(uri.toString()),
  });
}

async function runCommand(cmdLine: string, chunks: string[], exitCode = 1) {
  const e = execution(chunks, cmdLine);
  const terminal = { name: "bash" };
  for (const l of mock.state.startListeners) l({ execution: e.ex, terminal });
  assert.equal(e.reads(), 1, "read() is called in the start event");
  await sleep(50 + chunks.length * 8);
  e.finish();
  for (const l of mock.state.endListeners) l({ execution: e.ex, terminal, exitCode });
  await sleep(50);
}

describe("CaptureManager with shell integration", () => {
  beforeEach(() => mock.reset());

  it("turns one command's output into one errhint-terminal: document with header and clean text", async () => {
    const m = manager();
    await runCommand("claude -p hi", ["Welcome\r\n", "\x1b[31m", LINE_401, "\x1b[0m\r\n"]);
    assert.deepEqual(mock.state.opened, ["errhint-terminal:/capture/0001-claude-p-hi.log"]);
    const t = mock.text("errhint-terminal:/capture/0001-claude-p-hi.log")!;
    assert.match(t, /^\$ claude -p hi\n# cwd: \/home\/dev\/project\n# terminal: bash\n# exit code: 1\n/);
    assert.ok(t.includes(`\nWelcome\n${LINE_401}\n`), t);
    assert.equal(m.all().length, 1);
    m.dispose();
  });

  it("streams: the document is opened while running and updated with the exit code at the end", async () => {
    const m = manager();
    const e = execution(["first line\n"]);
    for (const l of mock.state.startListeners) l({ execution: e.ex, terminal: { name: "t" } });
    await sleep(450); // past the flush debounce
    const uri = "errhint-terminal:/capture/0001-claude-p-hi.log";
    assert.ok(mock.text(uri)?.includes("(still running)"));
    e.finish();
    for (const l of mock.state.endListeners) l({ execution: e.ex, terminal: { name: "t" }, exitCode: 0 });
    await sleep(50);
    assert.ok(mock.text(uri)?.includes("# exit code: 0"));
    assert.ok(mock.state.changes.includes(uri), "updated through the provider's change event");
    m.dispose();
  });

  it("does not open documents for commands without output", async () => {
    const m = manager();
    await runCommand("true", [], 0);
    assert.deepEqual(mock.state.opened, []);
    m.dispose();
  });

  it("keeps the last N captures and reports the evicted ones", async () => {
    const evicted: string[] = [];
    const m = manager(2, 262_144, evicted);
    await runCommand("a", ["1\n"]);
    await runCommand("b", ["2\n"]);
    await runCommand("c", ["3\n"]);
    assert.deepEqual(evicted, ["errhint-terminal:/capture/0001-a.log"]);
    assert.equal(m.isRetained("errhint-terminal:/capture/0001-a.log"), false);
    assert.ok(m.provideTextDocumentContent(mock.Uri.parse("errhint-terminal:/capture/0001-a.log") as never).includes("no longer kept"));
    m.setKeep(1);
    assert.deepEqual(evicted.length, 2);
    m.dispose();
  });

  it("bounds the captured output", async () => {
    const m = manager(3, 4096);
    await runCommand("yes", Array.from({ length: 100 }, (_, i) => `line ${i} ${"y".repeat(100)}\n`));
    const t = mock.text("errhint-terminal:/capture/0001-yes.log")!;
    assert.ok(t.length < 4096 + 400, `kept ${t.length}`);
    assert.ok(t.includes("characters of output omitted"));
    assert.ok(t.includes("line 99 "));
    m.dispose();
  });

  it("captures selection and clipboard text as their own documents", async () => {
    const m = manager();
    const c = await m.fromText("clipboard", LINE_401);
    assert.equal(c.uri.toString(), "errhint-terminal:/clipboard/0001-clipboard.log");
    assert.ok(mock.text(c.uri.toString())?.includes("from the clipboard"));
    m.dispose();
  });
});
