import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotificationGate, notifiable, notificationText, pickFixCommand, shellKind, truncate } from "../../src/lib/notify";

describe("NotificationGate", () => {
  it("notifies once per error per command", () => {
    const g = new NotificationGate();
    assert.equal(g.shouldNotify("cmd1", "claude-code/auth-401"), true);
    assert.equal(g.shouldNotify("cmd1", "claude-code/auth-401"), false, "same error, same command: once");
    assert.equal(g.shouldNotify("cmd1", "npm/eacces"), true, "another error in the same command");
    assert.equal(g.shouldNotify("cmd2", "claude-code/auth-401"), true, "same error in the next command");
  });
  it("forgets disposed captures", () => {
    const g = new NotificationGate();
    g.shouldNotify("cmd1", "a");
    assert.equal(g.trackedCaptures, 1);
    g.forget("cmd1");
    assert.equal(g.trackedCaptures, 0);
    assert.equal(g.shouldNotify("cmd1", "a"), true);
  });
});

describe("notifiable", () => {
  it("keeps errors only, first of each id", () => {
    const out = notifiable([
      { severity: "warning", code: "w", message: "w" },
      { severity: "error", code: "a", message: "A — fix" },
      { severity: "error", code: "a", message: "A again" },
      { severity: "error", code: "b", message: "B" },
    ]);
    assert.deepEqual(out.map((d) => d.code), ["a", "b"]);
  });
});

describe("notificationText", () => {
  it("uses the title and names the command", () => {
    assert.equal(
      notificationText({ severity: "error", title: "Claude Code 401 auth loop", message: "x" }, "claude -p hi"),
      "errhint: Claude Code 401 auth loop (in “claude -p hi”)",
    );
    assert.equal(notificationText({ severity: "error", message: "Title — do this" }), "errhint: Title");
  });
  it("truncates long command lines", () => {
    assert.equal(truncate("a".repeat(100), 10), "aaaaaaaaa…");
    assert.equal(truncate("a \n b", 10), "a b");
  });
});

describe("fix commands", () => {
  const commands = { posix: "unset ANTHROPIC_API_KEY", powershell: "Remove-Item Env:ANTHROPIC_API_KEY" };
  it("recognises the shell family", () => {
    assert.equal(shellKind("/bin/bash", "linux"), "posix");
    assert.equal(shellKind("/usr/bin/zsh", "darwin"), "posix");
    assert.equal(shellKind("C:\\Program Files\\PowerShell\\7\\pwsh.exe", "win32"), "powershell");
    assert.equal(shellKind("C:\\Windows\\System32\\cmd.exe", "win32"), "cmd");
    assert.equal(shellKind(undefined, "win32"), "powershell");
    assert.equal(shellKind("", "linux"), "posix");
  });
  it("picks the command for the shell and never crosses families", () => {
    assert.deepEqual(pickFixCommand(commands, "posix"), { command: "unset ANTHROPIC_API_KEY", kind: "posix" });
    assert.deepEqual(pickFixCommand(commands, "powershell"), { command: "Remove-Item Env:ANTHROPIC_API_KEY", kind: "powershell" });
    assert.equal(pickFixCommand(commands, "cmd"), undefined);
    assert.equal(pickFixCommand({ posix: "  " }, "posix"), undefined);
    assert.equal(pickFixCommand(undefined, "posix"), undefined);
  });
});
