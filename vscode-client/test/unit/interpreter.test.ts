import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  DiscoveryDeps,
  discoverInterpreter,
  Interpreter,
  probeInterpreter,
  splitCommandLine,
  whichOnPath,
} from "../../src/lib/interpreter";

function deps(over: Partial<DiscoveryDeps> & { versions?: Record<string, [number, number]>; onPath?: string[] }): DiscoveryDeps {
  const versions = over.versions ?? {};
  const onPath = over.onPath ?? [];
  return {
    platform: "linux",
    setting: "",
    which: async (c) => (onPath.includes(c) ? `/usr/bin/${c}` : undefined),
    probe: async (i: Interpreter) => {
      const v = versions[i.command];
      return v ? { ok: true, version: v } : { ok: false, error: "ENOENT" };
    },
    ...over,
  };
}

describe("discoverInterpreter", () => {
  it("uses the errhint.interpreter setting first", async () => {
    const r = await discoverInterpreter(
      deps({ setting: "/opt/py/bin/python3.12", versions: { "/opt/py/bin/python3.12": [3, 12], "/usr/bin/python3": [3, 11] }, onPath: ["python3"] }),
    );
    assert.ok(r.ok);
    assert.equal(r.source, "setting");
    assert.deepEqual(r.interpreter, { command: "/opt/py/bin/python3.12", args: [] });
    assert.equal(r.version, "3.12");
  });

  it("reports a broken setting instead of silently falling back", async () => {
    const r = await discoverInterpreter(deps({ setting: "/nope/python", versions: { "/usr/bin/python3": [3, 11] }, onPath: ["python3"] }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.message.includes("errhint.interpreter"));
  });

  it("rejects an interpreter that is too old, naming the version", async () => {
    const r = await discoverInterpreter(deps({ setting: "/old/python", versions: { "/old/python": [3, 8] } }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && /3\.8.*3\.10/.test(r.message));
  });

  it("then the Python extension's active interpreter", async () => {
    const r = await discoverInterpreter(
      deps({ pythonExtension: async () => "/venv/bin/python", versions: { "/venv/bin/python": [3, 10], "/usr/bin/python3": [3, 11] }, onPath: ["python3"] }),
    );
    assert.ok(r.ok);
    assert.equal(r.source, "python-extension");
    assert.equal(r.interpreter.command, "/venv/bin/python");
  });

  it("skips a too-old or failing Python extension interpreter and goes on to PATH", async () => {
    const old = await discoverInterpreter(
      deps({ pythonExtension: async () => "/venv/bin/python", versions: { "/venv/bin/python": [3, 9], "/usr/bin/python3": [3, 11] }, onPath: ["python3"] }),
    );
    assert.ok(old.ok && old.source === "path");
    assert.ok(old.notes.some((n) => n.includes("3.9")));
    const broken = await discoverInterpreter(
      deps({ pythonExtension: async () => { throw new Error("not ready"); }, versions: { "/usr/bin/python3": [3, 11] }, onPath: ["python3"] }),
    );
    assert.ok(broken.ok && broken.source === "path");
  });

  it("then python3, then python on PATH (POSIX)", async () => {
    const r = await discoverInterpreter(deps({ versions: { "/usr/bin/python": [3, 13] }, onPath: ["python"] }));
    assert.ok(r.ok);
    assert.equal(r.interpreter.command, "/usr/bin/python");
  });

  it("prefers the py launcher with -3 on Windows", async () => {
    const r = await discoverInterpreter(deps({ platform: "win32", versions: { "/usr/bin/py": [3, 12] }, onPath: ["py", "python"] }));
    assert.ok(r.ok);
    assert.deepEqual(r.interpreter, { command: "/usr/bin/py", args: ["-3"] });
  });

  it("gives an actionable message when nothing is found", async () => {
    const r = await discoverInterpreter(deps({}));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.message.includes("Install Python 3") && r.message.includes("errhint.interpreter"));
    const w = await discoverInterpreter(deps({ platform: "win32" }));
    assert.ok(!w.ok && w.message.includes("python.org"));
  });

  it("splits interpreter settings with arguments and quotes", () => {
    assert.deepEqual(splitCommandLine("py -3.12"), ["py", "-3.12"]);
    assert.deepEqual(splitCommandLine('"C:\\Program Files\\Python\\python.exe" -X utf8'), ["C:\\Program Files\\Python\\python.exe", "-X", "utf8"]);
  });
});

describe("whichOnPath / probeInterpreter (real processes)", () => {
  it("finds executables on PATH and ignores non-executables", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "errhint-which-"));
    const exe = path.join(dir, "fakepy");
    writeFileSync(exe, "#!/bin/sh\necho 3.11\n");
    chmodSync(exe, 0o755);
    writeFileSync(path.join(dir, "notexec"), "x");
    assert.equal(await whichOnPath("fakepy", { PATH: `/nonexistent${path.delimiter}${dir}` }, "linux"), exe);
    assert.equal(await whichOnPath("notexec", { PATH: dir }, "linux"), undefined);
    assert.equal(await whichOnPath(exe, { PATH: "" }, "linux"), exe);
  });

  it("reads the version of a real interpreter and fails cleanly on a missing one", async () => {
    const fake = path.join(mkdtempSync(path.join(tmpdir(), "errhint-probe-")), "python");
    writeFileSync(fake, "#!/bin/sh\necho 3.42\n");
    chmodSync(fake, 0o755);
    assert.deepEqual(await probeInterpreter({ command: fake, args: [] }), { ok: true, version: [3, 42] });
    const missing = await probeInterpreter({ command: "/nonexistent/python", args: [] });
    assert.equal(missing.ok, false);
  });
});
