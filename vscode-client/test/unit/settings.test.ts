import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  affectsAny,
  clientSettings,
  DEFAULTS,
  didChangeConfigurationParams,
  documentSelector,
  RESTART_KEYS,
  serverSettings,
} from "../../src/lib/settings";

const from = (o: Record<string, unknown>) => (k: string) => o[k];

describe("serverSettings (initializationOptions)", () => {
  it("uses defaults when nothing is set, always with clientCommands", () => {
    const s = serverSettings(from({}), true);
    assert.deepEqual(s, {
      enable: true,
      languageIds: DEFAULTS.languageIds,
      fileGlobs: DEFAULTS.fileGlobs,
      knowledgePaths: [],
      minConfidence: 0.5,
      ignoredIds: [],
      maxDocumentBytes: 52_428_800,
      workspaceTrusted: true,
      clientCommands: true,
      diagnosticMode: "push",
    });
  });

  it("maps the user's values and the trust state, camelCase", () => {
    const s = serverSettings(
      from({
        enable: false,
        languageIds: ["log", "plaintext"],
        fileGlobs: ["**/*.txt"],
        knowledgePaths: ["/k"],
        minConfidence: 0.8,
        ignoredIds: ["npm/eacces"],
        maxDocumentBytes: 1234.9,
      }),
      false,
    );
    assert.equal(s.enable, false);
    assert.deepEqual(s.languageIds, ["log", "plaintext"]);
    assert.deepEqual(s.fileGlobs, ["**/*.txt"]);
    assert.deepEqual(s.knowledgePaths, ["/k"]);
    assert.equal(s.minConfidence, 0.8);
    assert.deepEqual(s.ignoredIds, ["npm/eacces"]);
    assert.equal(s.maxDocumentBytes, 1234);
    assert.equal(s.workspaceTrusted, false);
  });

  it("repairs bad values instead of sending them", () => {
    const s = serverSettings(
      from({ minConfidence: 7, languageIds: ["log", 3, "", "log", " x "], maxDocumentBytes: -5, enable: "yes", ignoredIds: "a" }),
      true,
    );
    assert.equal(s.minConfidence, 1);
    assert.deepEqual(s.languageIds, ["log", "x"]);
    assert.equal(s.maxDocumentBytes, 0);
    assert.equal(s.enable, true);
    assert.deepEqual(s.ignoredIds, []);
    assert.equal(serverSettings(from({ minConfidence: "0.3" }), true).minConfidence, 0.3);
    assert.equal(serverSettings(from({ minConfidence: Number.NaN }), true).minConfidence, 0.5);
  });

  it("wraps settings for workspace/didChangeConfiguration", () => {
    const s = serverSettings(from({}), true);
    assert.deepEqual(didChangeConfigurationParams(s), { settings: { errhint: s } });
  });
});

describe("clientSettings", () => {
  it("reads dotted client-only keys with defaults and bounds", () => {
    assert.deepEqual(clientSettings(from({})), {
      enable: true,
      interpreter: "",
      useBundledServer: true,
      notifications: true,
      capture: true,
      maxCaptureBytes: 262_144,
      keepCaptures: 20,
    });
    const c = clientSettings(
      from({
        interpreter: "  /opt/py/bin/python3 ",
        "notifications.enabled": false,
        "terminal.capture": false,
        "terminal.maxCaptureBytes": 10,
        "terminal.keepCaptures": 5000,
      }),
    );
    assert.equal(c.interpreter, "/opt/py/bin/python3");
    assert.equal(c.notifications, false);
    assert.equal(c.capture, false);
    assert.equal(c.maxCaptureBytes, 4096);
    assert.equal(c.keepCaptures, 1000);
  });
});

describe("documentSelector", () => {
  it("always includes terminal captures, then languages (file+untitled) and globs", () => {
    assert.deepEqual(documentSelector({ languageIds: ["log"], fileGlobs: ["*.log", "logs/**/*.txt"] }, "errhint-terminal"), [
      { scheme: "errhint-terminal" },
      { scheme: "file", language: "log" },
      { scheme: "untitled", language: "log" },
      { scheme: "file", pattern: "**/*.log" },
      { scheme: "file", pattern: "logs/**/*.txt" },
    ]);
    assert.deepEqual(documentSelector({ languageIds: [], fileGlobs: [] }, "errhint-terminal"), [{ scheme: "errhint-terminal" }]);
  });
});

describe("restart keys", () => {
  it("detects changes that need a restart", () => {
    assert.equal(affectsAny((s) => s === "errhint.languageIds", RESTART_KEYS), true);
    assert.equal(affectsAny((s) => s === "errhint.interpreter", RESTART_KEYS), true);
    assert.equal(affectsAny((s) => s === "errhint.minConfidence", RESTART_KEYS), false);
  });
});
