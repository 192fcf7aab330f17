"""Realistic FAKE secrets, assembled at run time so no secret-looking literal sits in the repository.

Each ``Secret`` has the text as it would appear in a terminal line (``line``)
and the part that must never leave errhint (``value``). ``fragments`` are
slices of the value long enough to identify it: the tests assert none of them
appears in any output.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

_rng = random.Random(20261125)
ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
URLSAFE = ALNUM + "-_"


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Secret:
    kind: str
    line: str  # how it shows up in output
    value: str  # what must not survive

    def fragments(self, size: int = 10) -> list[str]:
        v = self.value
        if len(v) <= size:
            return [v]
        return [v[:size], v[len(v) // 2 - size // 2 : len(v) // 2 + size // 2], v[-size:]]


def _jwt() -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": rand(12), "iat": 1764000000, "scope": "api"}).encode())
    return f"{header}.{payload}.{b64url(bytes(_rng.randrange(256) for _ in range(32)))}"


def corpus() -> list[Secret]:
    """One or more secrets of every kind errhint must mask."""
    out: list[Secret] = []

    def add(kind: str, prefix: str, body: str, template: str = "{secret}") -> None:
        out.append(Secret(kind, template.format(secret=prefix + body), body))

    add("anthropic", "sk-ant-" + "api03-", rand(93, URLSAFE) + "AA", "x-api-key: {secret}")
    add("anthropic-bare", "sk-ant-" + "api03-", rand(93, URLSAFE) + "AA", "using key {secret} for requests")
    add("anthropic-oauth", "sk-ant-" + "oat01-", rand(90, URLSAFE), "CLAUDE_CODE_OAUTH_TOKEN={secret}")
    add("anthropic-admin", "sk-ant-" + "admin01-", rand(90, URLSAFE), "admin key {secret}")
    add("openai-project", "sk-" + "proj-", rand(100, URLSAFE), "Incorrect API key provided: {secret}.")
    add("openai-legacy", "sk" + "-", rand(48), "OPENAI_API_KEY={secret}")
    add("openai-svcacct", "sk-" + "svcacct-", rand(80, URLSAFE), "key: {secret}")
    add("github-classic", "gh" + "p_", rand(36), "remote: Invalid username or token {secret}")
    add("github-oauth", "gh" + "o_", rand(36), "GH_TOKEN={secret}")
    add("github-server", "gh" + "s_", rand(36), "token {secret}")
    add("github-fine", "github" + "_pat_", rand(22) + "_" + rand(59), "Authorization: token {secret}")
    add("gitlab", "gl" + "pat-", rand(20, URLSAFE), "PRIVATE-TOKEN: {secret}")
    add("aws-access-key", "AK" + "IA", rand(16, UPPER_DIGITS), "aws_access_key_id = {secret}")
    add("aws-access-key-bare", "AS" + "IA", rand(16, UPPER_DIGITS), "The security token for {secret} is invalid")
    add("aws-secret", "", rand(40, ALNUM + "/+"), "aws_secret_access_key={secret}")
    add("aws-secret-env", "", rand(40, ALNUM + "/+"), "export AWS_SECRET_ACCESS_KEY={secret}")
    add("google-api-key", "AI" + "za", rand(35, URLSAFE), "API key not valid: {secret}")
    add("google-oauth", "ya" + "29.", rand(120, URLSAFE), "Authorization: Bearer {secret}")
    add("slack-bot", "xo" + "xb-", f"{rand(12, string.digits)}-{rand(13, string.digits)}-{rand(24)}", "{secret}")
    add("slack-user", "xo" + "xp-", f"{rand(12, string.digits)}-{rand(12, string.digits)}-{rand(32)}", "SLACK={secret}")
    add("bearer", "", rand(64, URLSAFE + "."), "Authorization: Bearer {secret}")
    add("bearer-lower", "", rand(40, URLSAFE), "curl -H 'authorization: bearer {secret}'")
    add("basic-auth", "", b64url(b"deploy:" + rand(20).encode()), "Authorization: Basic {secret}")
    add("jwt", "", _jwt(), "session={secret}")
    add("jwt-bare", "", _jwt(), "invalid token: {secret}")
    add("url-password", "", rand(18), "postgres://admin:{secret}@db.internal:5432/app")
    add(
        "url-password-https",
        "",
        rand(14) + "%21" + rand(6),
        "fatal: unable to access 'https://bot:{secret}@git.example.com/x.git/'",
    )
    add("db-password", "", rand(20), "DB_PASSWORD={secret}")
    add("json-secret", "", rand(32), '{{"client_secret": "{secret}", "grant_type": "x"}}')
    add("yaml-token", "", rand(30), "auth_token: {secret}")
    add("api-key-header", "", rand(40, string.hexdigits.lower()), "X-Api-Key: {secret}")
    add("password-flag", "", rand(16) + "9", "mysql --password={secret} -h db")
    add("huggingface", "h" + "f_", rand(34), "HF_TOKEN={secret}")
    add("huggingface-bare", "h" + "f_", rand(34), "401 Client Error for token {secret}")
    add("npm", "np" + "m_", rand(36), "//registry.example.org/:_authToken={secret}")
    add("npm-bare", "np" + "m_", rand(36), "npm token {secret} revoked")
    add("pypi", "py" + "pi-", rand(60, URLSAFE), "password: {secret}")
    add("stripe", "sk_" + "live_", rand(24), "Invalid API Key provided: {secret}")
    pem_body = "\n".join(rand(64, ALNUM + "+/") for _ in range(4))
    out.append(
        Secret(
            "pem",
            "-----BEGIN " + "RSA PRIVATE KEY-----\n" + pem_body + "\n-----END " + "RSA PRIVATE KEY-----",
            pem_body.split("\n")[1],
        )
    )
    return out


# Ordinary text that redaction must leave alone.
ORDINARY = [
    "src/app/main.py:120:17: error: Incompatible types",
    '  File "/home/dev/project/run.py", line 42, in <module>',
    "see https://docs.example.com/errors/auth?lang=en#401 for details",
    "git clone https://github.com/example/project.git",
    "Error: token expired",
    "the token is invalid or has expired",
    "OAuth token has expired; run /login",
    "Invalid authentication credentials",
    'API Error: 401 {"type":"error","error":{"type":"authentication_error"}}',
    'password authentication failed for user "postgres"',
    "npm ERR! code E401",
    'Bearer realm="example"',
    "ANTHROPIC_API_KEY is set in this environment",
    "export ANTHROPIC_API_KEY=$MY_KEY",
    "api_key: <your key here>",
    "commit 4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "Successfully installed requests-2.32.3 urllib3-2.2.1",
    "Listening on http://127.0.0.1:8080/",
    "2026-11-25T13:17:46.123Z INFO server started in 0.42s",
    "max_tokens: 4096",
    "ssh: connect to host example.com port 22: Connection refused",
    "fatal: Authentication failed for 'https://github.com/example/repo.git/'",
]
