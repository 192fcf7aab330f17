"""Turn a troubleshooting page (the seed format) into a knowledge entry.

The page is plain text: a header block (tool / category, title, description,
then ``- Key`` / value pairs for category, error signature, quick fix), then
sections under fixed headings. Every section maps to a field of the entry; the
page's own words are kept as they are, and the error signature becomes a
pattern that tolerates the variations real terminals produce (whitespace, JSON
spacing, wrapped lines, different request ids).
"""

from __future__ import annotations

import re
from typing import Any

SECTIONS = {
    "What this error means": "meaning",
    "Why this happens": "why",
    "Common causes": "causes",
    "Quick fixes": "fixes",
    "Platform/tool-specific checks": "checks",
    "Step-by-step troubleshooting": "steps",
    "How to prevent it": "prevention",
    "Sources checked": "sources",
    "Related errors": "see_also",
    "FAQ": "faq",
}
HEADER_KEYS = ("Category", "Error signature", "Quick fix", "Updated")
_VOLATILE = re.compile(r"(?:req|msg|toolu|chatcmpl|resp)_[A-Za-z0-9]+|[0-9a-f]{16,}|\d{6,}")
_URL = re.compile(r"https?://\S+")


class ImportError_(ValueError):
    """The page is not in the expected format (message says what is missing)."""


def slugify(text: str, max_words: int = 7) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "entry"


def robust_pattern(signature: str) -> str:
    """A regex for the signature tolerant of spacing, wrapping and volatile ids."""
    tokens = re.findall(r"\w+|[^\w\s]", signature)
    parts: list[str] = []
    prev_word = False
    for tok in tokens:
        is_word = bool(re.fullmatch(r"\w+", tok))
        if parts:
            parts.append(r"\s+" if (is_word and prev_word) else r"\s*")
        parts.append(r"[A-Za-z0-9_]+" if _VOLATILE.fullmatch(tok) else re.escape(tok))
        prev_word = is_word
    return "".join(parts)


def _split_items(lines: list[str]) -> list[str]:
    """Bullet items; continuation lines join the item, inline ' - ' starts a new one."""
    items: list[str] = []
    for line in lines:
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items:
            items[-1] = f"{items[-1]} {line.strip()}".strip()
        elif line.strip():
            items.append(line.strip())
    out: list[str] = []
    for item in items:
        out.extend(p.strip() for p in re.split(r"(?<=[.!?]) - (?=[A-Z])", item) if p.strip())
    return out


def _paragraph(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def _faq(lines: list[str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text.endswith("?") and (not out or out[-1]["a"]):
            out.append({"q": text, "a": ""})
        elif out:
            out[-1]["a"] = f"{out[-1]['a']} {text}".strip()
    return [f for f in out if f["a"]]


def parse_page(text: str) -> dict[str, Any]:
    """Split the page into header fields and sections (raw, not yet an entry)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    heads = [i for i, line in enumerate(lines) if line.strip() in SECTIONS]
    if not heads:
        raise ImportError_("no known section heading found (expected e.g. 'What this error means')")
    header = [line for line in lines[: heads[0]] if line.strip()]
    if len(header) < 2:
        raise ImportError_("header too short: expected 'Tool / Category' and a title")
    page: dict[str, Any] = {"tool_category": header[0], "title": header[1]}
    page["description"] = header[2] if len(header) > 2 and not header[2].startswith("- ") else ""
    # The key/value block: "- Key" lines followed by their value; a value may be
    # glued to the next key ("...}}- Quick fix") when the page lost a newline.
    block = "\n".join(header[3:] if page["description"] else header[2:])
    block = re.sub(r"(?<!\n)- (" + "|".join(map(re.escape, HEADER_KEYS)) + r")\b", r"\n- \1", block)
    current = None
    values: dict[str, list[str]] = {}
    for line in block.split("\n"):
        key = line[2:].strip() if line.startswith("- ") else None
        if key in HEADER_KEYS:
            current = key
            values[current] = []
        elif current is not None:
            values[current].append(line[2:] if line.startswith("- ") else line)
    page["fields"] = {k: " ".join(v).strip() for k, v in values.items()}
    sections: dict[str, list[str]] = {}
    for n, start in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        sections[SECTIONS[lines[start].strip()]] = lines[start + 1 : end]
    page["sections"] = sections
    return page


def page_to_entry(text: str, entry_id: str | None = None, source_url: str | None = None) -> dict[str, Any]:
    """The entry mapping for a page (ready to dump as YAML)."""
    page = parse_page(text)
    fields = page["fields"]
    signature = fields.get("Error signature", "").strip()
    if not signature:
        raise ImportError_("the page has no '- Error signature' value")
    tool_name, _, category = page["tool_category"].partition(" / ")
    tool = slugify(tool_name, 4)
    title = page["title"].strip()
    if entry_id is None:
        rest = re.sub(rf"^{re.escape(tool_name)}\s*", "", title, flags=re.I)
        entry_id = f"{tool}/{slugify(rest)}"
    sections = page["sections"]
    signatures: list[dict[str, Any]] = [{"regex": robust_pattern(signature)}]
    message = re.search(r'"message"\s*:\s*"([^"]{12,})"', signature)
    if message:
        signatures.append({"literal": message.group(1), "confidence": 0.7})
    entry: dict[str, Any] = {
        "id": entry_id,
        "title": title,
        "tool": tool,
        "category": fields.get("Category") or category.strip(),
        "severity": "error",
        "summary": page["description"],
        "quick_fix": fields.get("Quick fix", ""),
        "signatures": signatures,
        "meaning": _paragraph(sections.get("meaning", [])),
        "why": _paragraph(sections.get("why", [])),
        "causes": [{"text": c} for c in _split_items(sections.get("causes", []))],
        "fixes": [{"title": f} for f in _split_items(sections.get("fixes", []))],
        "checks": [{"text": c} for c in _split_items(sections.get("checks", []))],
        "steps": _split_items(sections.get("steps", [])),
        "prevention": _split_items(sections.get("prevention", [])),
        "see_also": _split_items(sections.get("see_also", [])),
        "faq": _faq(sections.get("faq", [])),
    }
    source_lines = sections.get("sources", [])
    sources = [{"title": url.rstrip(".,)"), "url": url.rstrip(".,)")} for url in _URL.findall("\n".join(source_lines))]
    if source_url:
        sources.insert(0, {"title": f"Troubleshooting page: {title}", "url": source_url})
    entry["sources"] = sources
    evidence = _paragraph([_URL.sub("", line) for line in source_lines])
    entry["evidence"] = re.sub(r"^Evidence note:\s*", "", evidence)
    entry["examples"] = [signature]
    entry["counterexamples"] = []
    return {k: v for k, v in entry.items() if v not in ("", [], None)}


def dump_yaml(entry: dict[str, Any]) -> str:
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    return yaml.dump(entry, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
