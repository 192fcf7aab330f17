import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CaptureBuffer, CaptureStore, cleanTerminalOutput, formatCaptureDocument, tildify } from "../../src/lib/capture";

describe("CaptureBuffer", () => {
  it("keeps everything under the limit", () => {
    const b = new CaptureBuffer(1000);
    b.append("hello ");
    b.append("world\n");
    assert.equal(b.text(), "hello world\n");
    assert.equal(b.totalChars, 12);
    assert.equal(b.droppedChars, 0);
  });

  it("keeps head and tail and marks the gap when over the limit", () => {
    const b = new CaptureBuffer(400, 0.25);
    const lines = Array.from({ length: 200 }, (_, i) => `line ${String(i).padStart(3, "0")}\n`);
    for (const l of lines) b.append(l);
    const t = b.text();
    assert.ok(t.startsWith("line 000\n"), "head kept");
    assert.ok(t.endsWith("line 199\n"), "tail kept");
    assert.match(t, /\[… errhint: \d+ characters of output omitted …\]\n/);
    assert.ok(b.keptChars <= 400);
    assert.equal(b.totalChars, lines.join("").length);
    // the tail resumes at a whole line
    const after = t.split("omitted …]\n")[1];
    assert.match(after, /^line \d{3}\n/);
  });

  it("stays bounded in memory while streaming a lot of output", () => {
    const b = new CaptureBuffer(10_000);
    const chunk = "x".repeat(999) + "\n";
    for (let i = 0; i < 5000; i++) b.append(chunk);
    assert.ok(b.keptChars <= 10_000);
    assert.ok(b.text().length < 10_200);
    assert.equal(b.totalChars, 5000 * 1000);
  });

  it("handles a single huge chunk and empty chunks", () => {
    const b = new CaptureBuffer(100);
    b.append("");
    b.append("a".repeat(50) + "b".repeat(1000) + "c".repeat(50));
    const t = b.text();
    assert.ok(t.startsWith("a".repeat(25)));
    assert.ok(t.endsWith("c".repeat(50)));
  });

  it("rejects silly limits", () => {
    assert.throws(() => new CaptureBuffer(0), RangeError);
    assert.throws(() => new CaptureBuffer(Number.NaN), RangeError);
  });
});

describe("cleanTerminalOutput", () => {
  it("strips colours, OSC shell-integration marks and CRLF", () => {
    const raw = "\x1b]633;C\x07\x1b[31mAPI Error: 401\x1b[0m done\r\nnext\x1b]0;title\x1b\\\r\n";
    assert.equal(cleanTerminalOutput(raw), "API Error: 401 done\nnext\n");
  });

  it("applies carriage-return overwrites of progress lines", () => {
    assert.equal(cleanTerminalOutput("progress 10%\rprogress 100%\n"), "progress 100%\n");
    assert.equal(cleanTerminalOutput("abcdef\rXY\n"), "XYcdef\n");
  });

  it("applies backspaces and drops stray control characters", () => {
    assert.equal(cleanTerminalOutput("ab\bc\x07\x00d"), "acd");
  });

  it("keeps unicode and tabs", () => {
    assert.equal(cleanTerminalOutput("é\tü — ✓"), "é\tü — ✓");
  });
});

describe("formatCaptureDocument", () => {
  const startedAt = new Date("2026-01-02T03:04:05Z");
  it("puts command line, cwd, exit code before the output", () => {
    const t = formatCaptureDocument(
      { commandLine: "claude -p hi", cwd: "/home/u/proj", exitCode: 1, running: false, startedAt, terminalName: "bash" },
      "API Error: 401 x",
    );
    assert.equal(
      t,
      "$ claude -p hi\n# cwd: /home/u/proj\n# terminal: bash\n# exit code: 1\n# captured: 2026-01-02T03:04:05.000Z\n\nAPI Error: 401 x\n",
    );
  });
  it("says when the command is still running, and folds multi-line commands", () => {
    const t = formatCaptureDocument({ commandLine: "for x in 1\ndo echo\ndone", running: true, startedAt }, "");
    assert.match(t, /^\$ for x in 1 ⏎ do echo ⏎ done\n/);
    assert.match(t, /# exit code: \(still running\)/);
  });
  it("labels selection and clipboard captures", () => {
    assert.match(formatCaptureDocument({ commandLine: "", running: false, startedAt, origin: "clipboard" }, "x"), /from the clipboard/);
    assert.match(formatCaptureDocument({ commandLine: "", running: false, startedAt, origin: "selection" }, "x"), /terminal selection/);
  });
});

describe("CaptureStore", () => {
  it("keeps the last N and reports what it evicted", () => {
    const s = new CaptureStore<number>(2);
    assert.deepEqual(s.add("a", 1), []);
    assert.deepEqual(s.add("b", 2), []);
    assert.deepEqual(s.add("c", 3), ["a"]);
    assert.deepEqual(s.keys(), ["b", "c"]);
    assert.deepEqual(s.setLimit(1), ["b"]);
    assert.equal(s.get("c"), 3);
    assert.equal(s.has("b"), false);
  });
  it("clamps the limit to at least one", () => {
    const s = new CaptureStore<number>(0);
    s.add("a", 1);
    assert.deepEqual(s.add("b", 2), ["a"]);
    assert.equal(s.size, 1);
  });
});

describe("tildify", () => {
  it("shortens paths under the home directory only", () => {
    assert.equal(tildify("/home/ann/project", "/home/ann"), "~/project");
    assert.equal(tildify("/home/ann", "/home/ann/"), "~");
    assert.equal(tildify("/home/anna/x", "/home/ann"), "/home/anna/x");
    assert.equal(tildify("C:\\Users\\ann\\src", "C:\\Users\\ann"), "~\\src");
    assert.equal(tildify("/srv/x", undefined), "/srv/x");
    assert.equal(tildify("/x", "/"), "/x");
  });
});
