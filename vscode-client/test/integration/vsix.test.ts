// The packaged .vsix: contents, manifest, and the bundled server on a bare interpreter (no site-packages).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { formatCaptureDocument } from "../../src/lib/capture";
import { serverLaunch } from "../../src/lib/launch";
import { serverSettings } from "../../src/lib/settings";
import { captureUriString } from "../../src/lib/uri";
import { CLIENT_DIR, Server, startServer, testPython } from "./lsp";

const ID = "claude-code/auth-401-invalid-credentials";
const LINE_401 =
  'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"Invalid authentication credentials"}}';

function findVsix(): string {
  const env = process.env.ERRHINT_TEST_VSIX;
  if (env) {
    if (!existsSync(env)) throw new Error(`ERRHINT_TEST_VSIX=${env} does not exist: run \`make vsix\``);
    return env;
  }
  const found = readdirSync(CLIENT_DIR).filter((f) => /^errhint-.*\.vsix$/.test(f));
  if (!found.length) throw new Error("no errhint-*.vsix in vscode-client/: run `make vsix` first");
  return path.join(CLIENT_DIR, found.sort().pop()!);
}

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join("/"));
  }
  return out;
}

describe("the .vsix package", () => {
  let root: string;
  let ext: string;
  let files: string[];
  let py: string;

  before(() => {
    py = testPython();
    const vsix = findVsix();
    root = mkdtempSync(path.join(tmpdir(), "errhint-vsix-"));
    execFileSync(py, ["-m", "zipfile", "-e", vsix, root]);
    ext = path.join(root, "extension");
    files = walk(ext);
  });

  it("contains the extension, the server, the knowledge base and the bundled libs", () => {
    const must = [
      "package.json",
      "readme.md", // vsce's names for README.md and LICENSE
      "LICENSE.txt",
      "media/icon.png",
      "dist/extension.js",
      "bundled/tool/server.py",
      "bundled/libs/errhint/__init__.py",
      "bundled/libs/errhint/cli.py",
      "bundled/libs/errhint/lsp/__init__.py",
      "bundled/libs/pygls/__init__.py",
      "bundled/libs/lsprotocol/types.py",
      "bundled/libs/cattrs/__init__.py",
      "bundled/libs/attrs/__init__.py",
      "bundled/libs/yaml/__init__.py",
      "bundled/libs/typing_extensions.py",
      "bundled/schema/errhint-knowledge.schema.json",
    ];
    for (const f of must) assert.ok(files.includes(f), `${f} in the .vsix`);
    const knowledge = files.filter((f) => f.startsWith("bundled/libs/errhint/knowledge/") && f.endsWith(".yaml"));
    assert.ok(knowledge.some((f) => f.includes("claude-code/")), "claude-code knowledge bundled");
  });

  it("carries nothing it should not", () => {
    const bad = files.filter(
      (f) =>
        /\.(so|pyd|dylib|pyc|map|ts)$/.test(f) && !f.endsWith(".d.ts") ||
        f.startsWith("node_modules/") ||
        f.startsWith("src/") ||
        f.startsWith("test/") ||
        /(^|\/)(rapidfuzz|ahocorasick|re2)/.test(f),
    );
    assert.deepEqual(bad, []);
  });

  it("has a marketplace-ready manifest", () => {
    const pkg = JSON.parse(readFileSync(path.join(ext, "package.json"), "utf8"));
    assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
    assert.equal(pkg.main, "./dist/extension.js");
    assert.equal(pkg.icon, "media/icon.png");
    assert.ok(pkg.repository?.url && pkg.license && pkg.categories?.length && pkg.publisher);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, "limited");
    const yv = pkg.contributes.yamlValidation[0];
    assert.ok(yv.fileMatch.includes("knowledge/**/*.yaml") && yv.fileMatch.includes(".errhint/**/*.yaml"));
    const schema = JSON.parse(readFileSync(path.join(ext, yv.url), "utf8"));
    assert.equal(typeof schema, "object");
    for (const k of ["errhint.enable", "errhint.interpreter", "errhint.minConfidence", "errhint.notifications.enabled", "errhint.terminal.keepCaptures"]) {
      const p = pkg.contributes.configuration.properties[k];
      assert.ok(p && "default" in p && p.description, `setting ${k} with default and description`);
    }
  });

  it("bundled libs are importable by a bare interpreter (-I -S), without compiled accelerators", () => {
    const libs = path.join(ext, "bundled", "libs");
    const out = execFileSync(py, [
      "-I",
      "-S",
      "-c",
      [
        "import sys, importlib.util",
        `sys.path.insert(0, ${JSON.stringify(libs)})`,
        "import errhint, pygls, lsprotocol, cattrs, attrs, yaml",
        "print(errhint.__file__); print(pygls.__file__); print(yaml.__file__)",
        "print(importlib.util.find_spec('rapidfuzz') is None, importlib.util.find_spec('ahocorasick') is None)",
      ].join("\n"),
    ]).toString();
    const lines = out.trim().split("\n");
    for (const l of lines.slice(0, 3)) assert.ok(l.startsWith(libs), `${l} imported from the bundle`);
    assert.equal(lines[3], "True True");
  });

  describe("bundled server on a bare interpreter", () => {
    let server: Server;
    after(async () => {
      if (server) await server.stop();
    });

    it("starts with `python -I -S` and answers initialize", async () => {
      const spec = serverLaunch({
        interpreter: { command: py, args: [] },
        extensionPath: ext,
        useBundled: true,
        pythonFlags: ["-S"],
        cwd: root,
      });
      assert.equal(spec.mode, "bundled");
      assert.deepEqual(spec.args.slice(0, 2), ["-I", "-S"]);
      server = await startServer(spec, serverSettings(() => undefined, false), root);
      assert.ok(server.init.capabilities.textDocumentSync !== undefined);
    });

    it("recognises the 401 from its bundled knowledge", async () => {
      const uri = captureUriString("capture", 1, "claude");
      const text = formatCaptureDocument({ commandLine: "claude", exitCode: 1, running: false, startedAt: new Date(0) }, LINE_401);
      await server.conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "log", version: 1, text } });
      await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === ID));
      const code = await server.stop();
      server = undefined as unknown as Server;
      assert.equal(code, 0);
    });
  });
});
