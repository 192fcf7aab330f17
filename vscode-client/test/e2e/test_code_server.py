"""The errhint extension in a real VS Code: code-server driven by headless Chromium.

Run by `make test-vscode` (which installs everything first). Steps:
  1. install the built .vsix into a throwaway code-server profile
  2. start code-server on 127.0.0.1 (--auth none) with a throwaway workspace
  3. open a terminal, run a command that prints Claude Code's 401 line
  4. assert: the errhint notification appears, the Problems panel counts the
     error, and hovering the diagnostic in the captured output shows the card
Screenshots go to --artifacts. Any step that cannot run fails the test.
Prints a closing "N passed, N failed" line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PWTimeout

ID = "claude-code/auth-401-invalid-credentials"
LINE_401 = (
    'API Error: 401 {"type":"error","error":{"type":"authentication_error",'
    '"message":"Invalid authentication credentials"}}'
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER_SETTINGS = {
    "security.workspace.trust.enabled": False,
    "terminal.integrated.defaultProfile.linux": "bash",
    "terminal.integrated.shellIntegration.enabled": True,
    "terminal.integrated.gpuAcceleration": "off",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "chat.disableAIFeatures": True,
    "editor.hover.delay": 300,
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "workbench.activityBar.location": "default",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    def __init__(self, artifacts: Path):
        self.artifacts = artifacts
        self.passed: list[str] = []
        self.failed: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        (self.passed if ok else self.failed).append(name)
        print(f"{'ok' if ok else 'FAILED'}: {name}{(' — ' + detail) if detail else ''}", flush=True)


def shot(page: Page, artifacts: Path, name: str) -> Path:
    p = artifacts / f"{name}.png"
    page.screenshot(path=str(p))
    print(f"screenshot: {p.name}", flush=True)
    return p


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"code-server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"code-server did not answer {url} within {timeout}s")


def palette(page: Page, command: str) -> None:
    page.keyboard.press("F1")
    box = page.locator(".quick-input-widget input").first
    box.wait_for(state="visible", timeout=10_000)
    box.fill(">" + command)
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsix", required=True)
    ap.add_argument("--node", required=True, help="node 24 binary used to run code-server")
    ap.add_argument("--code-server", required=True, help="the code-server npm package directory")
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--keep", action="store_true", help="keep the temporary profile")
    a = ap.parse_args()

    for p, what in ((a.vsix, ".vsix"), (a.node, "node 24"), (a.chromium, "chromium")):
        if not Path(p).exists():
            print(f"error: {what} not found at {p}", file=sys.stderr)
            return 2
    entry = Path(a.code_server) / "out" / "node" / "entry.js"
    if not entry.exists():
        print(f"error: code-server entry point not found at {entry}", file=sys.stderr)
        return 2

    artifacts = Path(a.artifacts)
    artifacts.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="errhint-code-server-"))
    # A throwaway HOME with a neutral prompt, so screenshots show "~/project", not this machine's paths.
    home = tmp / "home"
    data, exts, ws = tmp / "data", tmp / "extensions", home / "project"
    (data / "User").mkdir(parents=True)
    exts.mkdir()
    ws.mkdir(parents=True)
    (home / ".bashrc").write_text("PS1='dev@laptop:\\w\\$ '\n")
    (data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    # A stand-in for `claude` that fails the way the real one does when its credentials are rejected.
    fake = ws / "claude"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        # Like the real CLI, answer after a round trip: output written before the extension host has
        # seen the command start is not delivered by execution.read() (a VS Code API limitation).
        "sleep 1\n"
        "echo 'Welcome to Claude Code'\n"
        f"printf '\\033[31m%s\\033[0m\\n' '{LINE_401}'\n"
        "exit 1\n"
    )
    fake.chmod(0o755)
    (ws / "README.md").write_text("errhint test workspace\n")

    env = {**os.environ, "PATH": f"{Path(a.node).parent}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home)}
    env.pop("VSCODE_IPC_HOOK_CLI", None)
    # Keep code-server off the network: no extension gallery lookups.
    env["EXTENSIONS_GALLERY"] = json.dumps({"serviceUrl": "http://127.0.0.1:9/gallery", "itemUrl": "http://127.0.0.1:9/item"})
    base = [a.node, str(entry), "--user-data-dir", str(data), "--extensions-dir", str(exts)]
    log = (artifacts / "code-server.log").open("w")
    run = Run(artifacts)

    print("installing the extension:", Path(a.vsix).name, flush=True)
    inst = subprocess.run([*base, "--install-extension", a.vsix], env=env, capture_output=True, text=True, timeout=300)
    log.write(inst.stdout + inst.stderr)
    run.check("vsix installs into code-server", inst.returncode == 0 and any(exts.glob("errhint.errhint-*")),
              (inst.stdout + inst.stderr).strip()[-300:])
    if run.failed:
        print(f"{len(run.passed)} passed, {len(run.failed)} failed")
        return 1

    port = free_port()
    server = subprocess.Popen(
        [*base, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
         "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
         "--ignore-last-opened", str(ws)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", server, 120)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=a.chromium, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda m: log.write(f"[browser {m.type}] {m.text}\n"))
            try:
                scenario(page, run, port, ws, artifacts)
            except Exception:  # a step that cannot run is a failure, never a skip
                traceback.print_exc()
                run.check("scenario ran to the end", False, "exception (see above)")
                try:
                    shot(page, artifacts, "failure")
                except Exception:
                    pass
            finally:
                browser.close()
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        # the extension host's log of the errhint extension, for debugging
        for f in data.rglob("*errhint*.log"):
            shutil.copy(f, artifacts / f"exthost-{f.name}")
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"{len(run.passed)} passed, {len(run.failed)} failed")
    return 1 if run.failed else 0


def scenario(page: Page, run: Run, port: int, ws: Path, artifacts: Path) -> None:
    page.goto(f"http://127.0.0.1:{port}/?folder={ws}", wait_until="domcontentloaded")
    page.locator(".monaco-workbench").wait_for(state="visible", timeout=120_000)

    # The extension activates on startup and starts the bundled server: status bar shows "errhint" with a check.
    status = page.locator(".statusbar-item", has_text="errhint").first
    status.wait_for(state="visible", timeout=60_000)
    page.locator(".statusbar-item:has(.codicon-check)", has_text="errhint").first.wait_for(state="visible", timeout=90_000)
    run.check("extension activates and the server runs (status bar)", True)

    palette(page, "Terminal: Create New Terminal")
    page.locator(".terminal-wrapper .xterm").first.wait_for(state="visible", timeout=30_000)
    # Shell integration is active once VS Code decorates the prompt; commands typed before that are not
    # reported to extensions (a VS Code limitation), so wait for it.
    page.locator(".terminal-wrapper .terminal-command-decoration").first.wait_for(state="attached", timeout=60_000)
    run.check("shell integration active in the terminal", True)
    page.wait_for_timeout(1000)
    page.locator(".terminal-wrapper .xterm").first.click()
    page.keyboard.type("./claude -p hello")
    page.keyboard.press("Enter")

    toast = page.locator(".notifications-toasts .notification-toast", has_text="errhint:").first
    toast.wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(1200)  # let the toast finish sliding in
    text = toast.inner_text()
    run.check("notification for the 401 appears", "Show fix" in text, text.replace("\n", " | "))
    shot(page, artifacts, "vscode-notification")
    run.check("notification offers Run fix", "Run fix" in text)

    # Show fix: opens the captured output at the error and shows the hover card there.
    toast.hover()
    toast.locator(".monaco-button", has_text="Show fix").first.click()
    editor = page.locator(".editor-instance .monaco-editor").first
    editor.wait_for(state="visible", timeout=20_000)
    tab = page.locator(".tabs-container .tab", has_text=".log").first
    tab.wait_for(state="visible", timeout=20_000)
    run.check("Show fix opens the captured output", "claude" in tab.inner_text(), tab.inner_text())
    hover = page.locator(".monaco-hover:visible", has_text="Claude Code").first
    try:
        hover.wait_for(state="visible", timeout=15_000)
    except PWTimeout:
        # Fall back to hovering the squiggle with the mouse.
        squiggle = page.locator(".editor-instance .squiggly-error").first
        squiggle.wait_for(state="attached", timeout=10_000)
        box = squiggle.bounding_box()
        if box:
            page.mouse.move(box["x"] + min(40, box["width"] / 2), box["y"] + box["height"] / 2)
        hover.wait_for(state="visible", timeout=15_000)
    card = hover.inner_text()
    run.check("hover card on the diagnostic", "Claude Code" in card and len(card) > 80, card[:200].replace("\n", " | "))
    shot(page, artifacts, "vscode-hover")

    # The mouse path as well: hover the underlined text in the captured output.
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    squiggle = page.locator(".editor-instance .squiggly-error").first
    squiggle.wait_for(state="attached", timeout=10_000)
    box = squiggle.bounding_box()
    ok = False
    if box:
        page.mouse.move(box["x"] + min(60, box["width"] / 2), box["y"] + box["height"] / 2)
        try:
            page.locator(".monaco-hover:visible", has_text="Claude Code").first.wait_for(state="visible", timeout=10_000)
            ok = True
        except PWTimeout:
            ok = False
    run.check("mouse hover on the squiggle shows the card", ok)
    if ok:
        shot(page, artifacts, "vscode-hover-mouse")

    # Quick fixes on the diagnostic; "Run fix" shows the exact command in a modal and runs nothing on Cancel.
    page.keyboard.press("Escape")
    sq = page.locator(".editor-instance .squiggly-error").first.bounding_box()
    if sq:
        page.mouse.click(sq["x"] + 20, sq["y"] + sq["height"] / 2)
    page.keyboard.press("Escape")
    menu = page.locator(".action-widget:visible").first
    bulb = page.locator(".editor-instance .lightBulbWidget").first
    bulb.wait_for(state="visible", timeout=15_000)
    bulb.click()
    menu.wait_for(state="visible", timeout=15_000)
    items = menu.inner_text()
    run.check("quick fixes offered on the diagnostic",
              "Run fix" in items and "Show full guide" in items, items.replace("\n", " | ")[:200])
    shot(page, artifacts, "vscode-quickfix")
    rows = page.locator(".terminal-wrapper .xterm-rows").first
    terminal_before = rows.inner_text()
    terminals_before = page.locator(".terminal-tabs-entry, .single-terminal-tab").count()
    menu.locator(".action-item, .monaco-list-row", has_text="Run fix").first.click()
    dialog = page.locator(".monaco-dialog-box")
    dialog.wait_for(state="visible", timeout=15_000)
    dtext = dialog.inner_text()
    run.check("Run fix asks first, showing the command", "Run in Terminal" in dtext and "never runs a fix by itself" in dtext,
              dtext.replace("\n", " | ")[:200])
    shot(page, artifacts, "vscode-runfix-confirm")
    dialog.locator(".monaco-button", has_text="Cancel").first.click()
    dialog.wait_for(state="hidden", timeout=10_000)
    page.wait_for_timeout(1000)
    fix_terms = page.locator(".terminal-tabs-entry, .single-terminal-tab, .terminal-wrapper", has_text="errhint fix").count()
    unchanged = rows.inner_text() == terminal_before
    run.check("Cancel runs nothing (no fix terminal, nothing typed)", fix_terms == 0 and unchanged,
              f"terminal entries before {terminals_before}, errhint fix terminals {fix_terms}, terminal unchanged {unchanged}")

    # Problems: the status bar counts one error, and the Problems panel lists it.
    problems = page.locator("#status\\.problems").first
    problems.wait_for(state="visible", timeout=10_000)
    deadline = time.time() + 20
    label = ""
    while time.time() < deadline:
        label = problems.get_attribute("aria-label") or problems.inner_text()
        if re.search(r"Errors?: ?[1-9]|[1-9] [Ee]rrors?", label):
            break
        page.wait_for_timeout(500)
    # exactly one: the transcript has one 401 line, and it must not be reported twice
    run.check("Problems counts the error, once", bool(re.search(r"Errors?: ?1\b|\b1 [Ee]rror\b", label)), label)
    problems.click()
    row = page.locator(".markers-panel .monaco-list-row", has_text="Claude Code").first
    try:
        row.wait_for(state="visible", timeout=15_000)
        run.check("Problems panel lists the entry", True, row.inner_text().replace("\n", " | ")[:160])
    except PWTimeout:
        run.check("Problems panel lists the entry", False)
    shot(page, artifacts, "vscode-problems")



if __name__ == "__main__":
    sys.exit(main())
