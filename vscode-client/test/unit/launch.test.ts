import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { bundledLauncher, hasBundledServer, serverLaunch } from "../../src/lib/launch";

function fakeExtension(withBundle: boolean): string {
  const root = mkdtempSync(path.join(tmpdir(), "errhint-ext-"));
  if (withBundle) {
    mkdirSync(path.join(root, "bundled", "tool"), { recursive: true });
    mkdirSync(path.join(root, "bundled", "libs", "errhint"), { recursive: true });
    writeFileSync(path.join(root, "bundled", "tool", "server.py"), "");
    writeFileSync(path.join(root, "bundled", "libs", "errhint", "__init__.py"), "");
  }
  return root;
}

describe("serverLaunch", () => {
  it("runs the bundled launcher isolated from site customisation", () => {
    const ext = fakeExtension(true);
    assert.equal(hasBundledServer(ext), true);
    const spec = serverLaunch({ interpreter: { command: "py", args: ["-3"] }, extensionPath: ext, useBundled: true, env: { A: "1" } });
    assert.equal(spec.mode, "bundled");
    assert.equal(spec.command, "py");
    assert.deepEqual(spec.args, ["-3", "-I", bundledLauncher(ext)]);
    assert.equal(spec.options.env.A, "1");
    assert.equal(spec.options.env.PYTHONUNBUFFERED, "1");
  });

  it("passes extra interpreter flags (bare interpreter)", () => {
    const ext = fakeExtension(true);
    const spec = serverLaunch({ interpreter: { command: "python3", args: [] }, extensionPath: ext, useBundled: true, pythonFlags: ["-S"] });
    assert.deepEqual(spec.args, ["-I", "-S", bundledLauncher(ext)]);
  });

  it("falls back to `python -m errhint serve` without a bundle or when asked", () => {
    const none = fakeExtension(false);
    assert.equal(hasBundledServer(none), false);
    const a = serverLaunch({ interpreter: { command: "python3", args: [] }, extensionPath: none, useBundled: true });
    assert.equal(a.mode, "environment");
    assert.deepEqual(a.args, ["-m", "errhint", "serve"]);
    const b = serverLaunch({ interpreter: { command: "python3", args: [] }, extensionPath: fakeExtension(true), useBundled: false, cwd: "/tmp" });
    assert.equal(b.mode, "environment");
    assert.equal(b.options.cwd, "/tmp");
  });
});
