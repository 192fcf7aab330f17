import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CAPTURE_SCHEME,
  captureUriString,
  capturePath,
  guidePath,
  parseCapturePath,
  parseGuidePath,
  slugifyCommand,
} from "../../src/lib/uri";

describe("capture URIs", () => {
  it("slugifies command lines into file-name-safe names", () => {
    assert.equal(slugifyCommand("npm install --save left-pad"), "npm-install-save-left-pad");
    assert.equal(slugifyCommand("/usr/local/bin/claude -p 'hi there'"), "claude-p-hi-there");
    assert.equal(slugifyCommand("   "), "command");
    assert.equal(slugifyCommand("échec ✓ déjà"), "echec-deja");
    assert.equal(slugifyCommand("git push\nsecond line"), "git-push");
    const long = slugifyCommand("docker run " + "abcdefgh ".repeat(20));
    assert.ok(long.length <= 40 && !long.endsWith("-"), long);
  });

  it("names one document per command, numbered, ending in .log", () => {
    assert.equal(capturePath("capture", 7, "claude"), "/capture/0007-claude.log");
    assert.equal(captureUriString("capture", 12, "npm ci"), `${CAPTURE_SCHEME}:/capture/0012-npm-ci.log`);
    assert.equal(capturePath("clipboard", 3, "whatever"), "/clipboard/0003-clipboard.log");
    assert.equal(CAPTURE_SCHEME, "errhint-terminal");
  });

  it("parses its own paths back and refuses others", () => {
    assert.deepEqual(parseCapturePath("/capture/0007-claude.log"), { kind: "capture", seq: 7 });
    assert.deepEqual(parseCapturePath("/selection/0010-selection.log"), { kind: "selection", seq: 10 });
    assert.equal(parseCapturePath("/etc/passwd"), undefined);
    assert.equal(parseCapturePath("/capture/x-claude.log"), undefined);
  });

  it("round-trips guide paths", () => {
    assert.equal(guidePath("claude-code/auth-401-invalid-credentials"), "/claude-code/auth-401-invalid-credentials.md");
    assert.equal(parseGuidePath(guidePath("npm/eacces")), "npm/eacces");
    assert.equal(guidePath("a b?c"), "/a-b-c.md");
  });
});
