"""The one place that masks secrets. Every output passes through ``redact``.

Terminal output often carries the very key that failed to authenticate. A
masked value keeps a short, non-identifying prefix (``sk-ant-…``) so the user
can still tell which kind of credential it was.
"""

from __future__ import annotations

import re

MASK = "***"

# Key formats with a recognisable prefix; group 1 is kept, the rest is masked.
_PREFIXED = [
    r"(sk-ant-(?:api|admin|oat|ort)\d{2}-)[A-Za-z0-9_\-]{8,}",  # Anthropic API / OAuth
    r"(sk-ant-)[A-Za-z0-9_\-]{16,}",
    r"(sk-(?:proj|svcacct|admin)-)[A-Za-z0-9_\-]{16,}",  # OpenAI project / service keys
    r"(sk-)[A-Za-z0-9]{20,}",  # OpenAI legacy, DeepSeek and similar
    r"(gh[pousr]_)[A-Za-z0-9]{20,}",  # GitHub tokens
    r"(github_pat_)[A-Za-z0-9_]{20,}",
    r"(glpat-)[A-Za-z0-9_\-]{20,}",  # GitLab
    r"((?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{2})[A-Z0-9]{14}",  # AWS access key id
    r"(AIza)[0-9A-Za-z_\-]{35}",  # Google API key
    r"(ya29\.)[0-9A-Za-z_\-]{20,}",  # Google OAuth access token
    r"(xox[abposr]-)[0-9A-Za-z\-]{10,}",  # Slack
    r"(hf_)[A-Za-z0-9]{30,}",  # Hugging Face
    r"(npm_)[A-Za-z0-9]{36}",  # npm
    r"(pypi-)[A-Za-z0-9_\-]{50,}",  # PyPI
    r"(sk_(?:live|test)_)[0-9A-Za-z]{16,}",  # Stripe
]

_SECRET_NAME = (
    r"[A-Za-z0-9_.\-]*(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|pwd|auth|credential|"
    r"private[_-]?key|access[_-]?key|session[_-]?key|client[_-]?secret)[A-Za-z0-9_.\-]*"
)

_RULES: list[tuple[re.Pattern[str], str]] = [
    # PEM private key blocks.
    (
        re.compile(r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)"),
        rf"\1{MASK}\2",
    ),
    # JSON Web Tokens: three base64url parts, the first two starting with '{"'.
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"), f"eyJ{MASK}"),
    # Authorization headers ("Bearer <token>"), and "token <value>" when the value looks generated.
    (re.compile(r"(?i)\b(bearer|basic)([ \t]+)[A-Za-z0-9_\-\.=+/~]{8,}"), rf"\1\2{MASK}"),
    (re.compile(r"(?i)\b(token)([ \t]+)(?=[A-Za-z_\-\.=+/~]*\d)[A-Za-z0-9_\-\.=+/~]{16,}"), rf"\1\2{MASK}"),
    # Passwords in URLs: scheme://user:password@host
    (re.compile(r"\b([a-z][a-z0-9+.\-]*://[^\s:/@]+:)[^\s@/]+(@)"), rf"\1{MASK}\2"),
    *[(re.compile(rf"\b{p}"), rf"\1{MASK}") for p in _PREFIXED],
]

# NAME=value / NAME: value / "name": "value" for names that look secret.
_ASSIGNMENT = re.compile(rf"""(?i)(\b{_SECRET_NAME}["']?[ \t]*[:=][ \t]*["']?)(?!\*\*\*)([^\s"',;&]{{4,}})""")

# Words that follow "token"/"auth" in prose and are not secrets.
_PROSE = re.compile(r"(?i)^(?:expired|invalid|missing|required|has|is|was|not|for|and|the|of|bearer|basic|token)$")


_NUMERIC = re.compile(r"^[\d:.]+$")  # file:line:col, times and versions are not secrets


def redact(text: str) -> str:
    """Mask every secret-looking value in text."""
    if not text:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _ASSIGNMENT.sub(_mask_assignment, text)


def _mask_assignment(m: re.Match[str]) -> str:
    value = m.group(2)
    if (
        _PROSE.match(value)
        or value.startswith(("$", "%", "<", "{", "http://", "https://"))
        or _NUMERIC.match(value)
        or (len(value) < 12 and not any(c.isdigit() for c in value))  # a word, not a generated secret
    ):
        return m.group(0)  # prose ("token: expired") or a placeholder, not a secret
    return m.group(1) + MASK


def contains_secret(text: str) -> bool:
    return redact(text) != text


__all__ = ["MASK", "contains_secret", "redact"]
