"""The one place that masks secrets. Every output passes through ``redact``.

Terminal output often carries the very key that failed to authenticate. A
masked value keeps a short, non-identifying prefix (``sk-ant-…``) so the user
can still tell which kind of credential it was.
"""

from __future__ import annotations

from .lazyre import LazyPattern

MASK = "***"

# Key formats with a recognisable prefix; group 1 is kept, the rest is masked. Each rule
# comes with the literal words one of which its match must contain (its case-sensitive
# prefix): a rule is only run when one is present (twenty substitutions over every finding were most of the cost of
# printing a long report, and almost no text holds a secret).
_PREFIXED: list[tuple[str, tuple[str, ...]]] = [
    (r"(sk-ant-(?:api|admin|oat|ort)\d{2}-)[A-Za-z0-9_\-]{8,}", ("sk-ant-",)),  # Anthropic API / OAuth
    (r"(sk-ant-)[A-Za-z0-9_\-]{16,}", ("sk-ant-",)),
    (r"(sk-(?:proj|svcacct|admin)-)[A-Za-z0-9_\-]{16,}", ("sk-",)),  # OpenAI project / service keys
    (r"(sk-)[A-Za-z0-9]{20,}", ("sk-",)),  # OpenAI legacy, DeepSeek and similar
    (r"(gh[pousr]_)[A-Za-z0-9]{20,}", ("gh",)),  # GitHub tokens
    (r"(github_pat_)[A-Za-z0-9_]{20,}", ("github_pat_",)),
    (r"(glpat-)[A-Za-z0-9_\-]{20,}", ("glpat-",)),  # GitLab
    (r"((?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{2})[A-Z0-9]{14}", ("AKIA", "ASIA", "AGPA", "AIDA", "AROA")),  # AWS
    (r"(AIza)[0-9A-Za-z_\-]{35}", ("AIza",)),  # Google API key
    (r"(ya29\.)[0-9A-Za-z_\-]{20,}", ("ya29.",)),  # Google OAuth access token
    (r"(xox[abposr]-)[0-9A-Za-z\-]{10,}", ("xox",)),  # Slack
    (r"(hf_)[A-Za-z0-9]{30,}", ("hf_",)),  # Hugging Face
    (r"(npm_)[A-Za-z0-9]{36}", ("npm_",)),  # npm
    (r"(pypi-)[A-Za-z0-9_\-]{50,}", ("pypi-",)),  # PyPI
    (r"(sk_(?:live|test)_)[0-9A-Za-z]{16,}", ("sk_live_", "sk_test_")),  # Stripe
]

# Case-insensitive rules carry no words (always run): IGNORECASE also matches look-alikes
# such as U+0131 for "i" that no literal test would catch.
_RULES: list[tuple[LazyPattern, str, tuple[str, ...]]] = [
    # PEM private key blocks.
    (
        LazyPattern(r"(-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----)[\s\S]{0,8192}?(-----END [A-Z ]{0,40}PRIVATE KEY-----)"),
        rf"\1{MASK}\2",
        ("PRIVATE KEY",),
    ),
    # JSON Web Tokens: three base64url parts, the first two starting with '{"'.
    (LazyPattern(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"), f"eyJ{MASK}", ("eyJ",)),
    # Authorization headers ("Bearer <token>"), and "token <value>" when the value looks generated.
    (LazyPattern(r"(?i)\b(bearer|basic)([ \t]+)[A-Za-z0-9_\-\.=+/~]{8,}"), rf"\1\2{MASK}", ()),
    (
        LazyPattern(r"(?i)\b(token)([ \t]+)(?=[A-Za-z_\-\.=+/~]*\d)[A-Za-z0-9_\-\.=+/~]{16,}"),
        rf"\1\2{MASK}",
        (),
    ),
    # Passwords in URLs: scheme://user:password@host
    # (bounded parts: an unbounded scheme run made "a.a.a.a…" quadratic)
    (LazyPattern(r"\b([a-z][a-z0-9+.\-]{0,31}://[^\s:/@]{1,256}:)[^\s@/]{1,512}(@)"), rf"\1{MASK}\2", ("://",)),
    *[(LazyPattern(rf"\b{p}"), rf"\1{MASK}", gate) for p, gate in _PREFIXED],
]

# NAME=value / NAME: value / "name": "value" for names that look secret. Found from the
# separator outwards (not with one regex that starts at every word boundary): a long run
# of name characters such as "a.a.a.a…" would otherwise cost quadratic time per line.
_SEPARATOR = LazyPattern(r"""["']?[ \t]*[:=][ \t]*["']?""")
_NAME_KEYWORD = LazyPattern(
    r"(?i)api[_-]?key|apikey|secret|token|passw(?:or)?d|pwd|auth|credential|"
    r"private[_-]?key|access[_-]?key|session[_-]?key|client[_-]?secret"
)
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_VALUE = LazyPattern(r"""(?!\*\*\*)[^\s"',;&]{4,}""")
MAX_NAME = 128

# Words that follow "token"/"auth" in prose and are not secrets.
_PROSE = LazyPattern(r"(?i)^(?:expired|invalid|missing|required|has|is|was|not|for|and|the|of|bearer|basic|token)$")


_NUMERIC = LazyPattern(r"^[\d:.]+$")  # file:line:col, times and versions are not secrets


def redact(text: str) -> str:
    """Mask every secret-looking value in text."""
    if not text:
        return text
    for pattern, replacement, gate in _RULES:
        if not gate or any(word in text for word in gate):
            text = pattern.sub(replacement, text)
    return _mask_assignments(text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _mask_assignments(text: str) -> str:
    """Mask the value of every ``name<sep>value`` whose name looks secret (linear time)."""
    out: list[str] = []
    done = 0  # text[:done] is settled
    for sep in _SEPARATOR.finditer(text):
        s = sep.start()
        if s < done:
            continue
        i, lo = s, max(done, s - MAX_NAME)
        while i > lo and text[i - 1] in _NAME_CHARS:
            i -= 1
        while i < s and (i > 0 and _is_word(text[i - 1])) == _is_word(text[i]):
            i += 1  # the name starts at a word boundary
        if i == s or not _NAME_KEYWORD.search(text, i, s):
            continue
        value = _VALUE.match(text, sep.end())
        if value is None or _is_placeholder(value.group(0)):
            continue
        out.append(text[done : sep.end()])
        out.append(MASK)
        done = value.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _is_placeholder(value: str) -> bool:
    """Prose ("token: expired"), a placeholder or a number: not a secret."""
    return bool(
        _PROSE.match(value)
        or value.startswith(("$", "%", "<", "{", "http://", "https://"))
        or _NUMERIC.match(value)
        or (len(value) < 12 and not any(c.isdigit() for c in value))  # a word, not a generated secret
    )


def contains_secret(text: str) -> bool:
    return redact(text) != text


__all__ = ["MASK", "contains_secret", "redact"]
