"""A deterministic corpus of ordinary build, test and server output with no known errors in it.

It is full of near misses on purpose: status codes in test names, the words error,
denied, timeout and token in healthy lines, JSON with "type" fields, progress bars
and colours. A signature that fires anywhere in it is too loose.
"""

from __future__ import annotations

import random

# Pieces terminal text is cut from when testing normalisation and the byte probe: colour
# and OSC escapes (whole, cut short, unterminated), CR / CRLF, braces that start JSON joins,
# indentation, and characters whose encoding or lower case is odd.
ESCAPE_NOISE_PIECES = [
    "a",
    "b",
    " ",
    "\n",
    "\r",
    "\r\n",
    "\x1b[31m",
    "\x1b[0m",
    "\x1b]0;t\x07",
    "\x1b]8;;u\x1b\\",
    "\x1b]open",
    "\x1bM",
    "{",
    "}",
    '"k":',
    "  ",
    "\n  ",
    "é",
    "✓",
    "\u212a",
    "\u0130",
    "\x1b[",
    "\x1b",
    "\x07",
]

TEMPLATES = [
    "[{ts}] INFO  GET /api/v1/items/{n} 200 {ms}ms",
    "[{ts}] INFO  POST /api/v1/login 302 {ms}ms",
    "[{ts}] WARN  slow query ({ms} ms): SELECT * FROM orders WHERE id = {n}",
    "[{ts}] DEBUG token refreshed for session {hex} (expires in 3600s)",
    "{ts} worker-{n} heartbeat ok, queue depth {n}",
    '{{"level":"info","msg":"request completed","status":200,"duration_ms":{ms},"type":"http"}}',
    '{{"type":"message","role":"assistant","content":[{{"type":"text","text":"Done."}}]}}',
    "\x1b[32m✓\x1b[0m test_handles_401_response ({ms} ms)",
    "\x1b[32m✓\x1b[0m test_rate_limit_error_is_retried ({ms} ms)",
    "PASSED tests/test_auth.py::test_invalid_api_key_message",
    "{n} tests passed, 0 failed, 2 skipped",
    "401 tests passed",
    "  compiling src/module_{n}.c",
    "  CC       build/obj/file_{n}.o",
    "npm notice New minor version of npm available! 10.8.1 -> 10.9.0",
    "added {n} packages, and audited {n} packages in {n}s",
    "found 0 vulnerabilities",
    "Collecting requests>=2.31 (from -r requirements.txt (line {n}))",
    "Successfully installed certifi-2024.8.30 idna-3.10 requests-2.32.3",
    "Requirement already satisfied: urllib3<3,>=1.21.1 in ./.venv/lib/python3.11/site-packages",
    "remote: Enumerating objects: {n}, done.",
    "Receiving objects: 100% ({n}/{n}), 1.2 MiB | 4.0 MiB/s, done.",
    "To github.com:example/project.git\n   1a2b3c4..5d6e7f8  main -> main",
    "Already up to date.",
    "Step {n}/12 : RUN pip install -r requirements.txt",
    " ---> Using cache",
    "Successfully tagged app:latest",
    "Downloading layer {hex}  [=====>      ] {pct}%\rDownloading layer {hex}  [==========>] 100%",
    "if resp.status == 401: raise AuthError('unauthorised')",
    "    # TODO: handle ECONNRESET and ETIMEDOUT in the retry loop",
    "grep -rn 'authentication_error' src/ docs/",
    "Retrying in {n}s (attempt {n}/5) after timeout talking to cache",
    "Permission checks passed for user deploy",
    "Connection to db.internal:5432 established",
    "HTTP/1.1 200 OK",
    "Model claude-sonnet loaded; context window 200k tokens",
    "ollama: pulling manifest ... success",
]


def generate(lines: int = 50_000, seed: int = 11) -> str:
    rng = random.Random(seed)
    out = []
    for i in range(lines):
        t = rng.choice(TEMPLATES)
        out.append(
            t.format(
                ts=f"2026-11-25T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
                n=rng.randrange(1, 9999),
                ms=rng.randrange(1, 900),
                hex=f"{rng.getrandbits(48):012x}",
                pct=rng.randrange(1, 99),
            )
        )
    return "\n".join(out) + "\n"
