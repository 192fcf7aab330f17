"""Language-server settings, from initializationOptions and didChangeConfiguration.

Keys are camelCase (as editors send them) and every one is optional; unknown
keys are ignored and wrong types fall back to the default, so a typo in an
editor config never stops the server.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

TERMINAL_SCHEME = "errhint-terminal"
DEFAULT_LANGUAGE_IDS = ("log", "plaintext", "text", "output", "Log", "log-file")
DEFAULT_FILE_GLOBS = ("*.log", "*.out", "*.err", "*.txt")
KNOWLEDGE_GLOBS = (
    "*/knowledge/*/*.yaml",
    "*/knowledge/*/*.yml",
    "*/.errhint/*.yaml",
    "*/.errhint/*/*.yaml",
    "*/.errhint/*/*/*.yaml",
)


@dataclass
class Settings:
    """Every setting the server understands (documented in docs/editors.md)."""

    enable: bool = True
    languageIds: list[str] = field(default_factory=lambda: list(DEFAULT_LANGUAGE_IDS))
    fileGlobs: list[str] = field(default_factory=lambda: list(DEFAULT_FILE_GLOBS))
    knowledgePaths: list[str] = field(default_factory=list)
    minConfidence: float = 0.5
    ignoredIds: list[str] = field(default_factory=list)
    maxDocumentBytes: int = 50 * 1024 * 1024
    maxDiagnostics: int = 1000
    workspaceTrusted: bool = False
    clientCommands: bool = False
    diagnosticMode: str = "auto"  # auto | push | pull
    debounceMs: int = 50
    userKnowledge: bool = True

    @classmethod
    def from_options(cls, raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
        """Merge raw options into a copy of base; return it and any complaints."""
        settings = cls(**{f.name: getattr(base, f.name) for f in fields(cls)}) if base else cls()
        problems: list[str] = []
        if not isinstance(raw, dict):
            return settings, problems
        if isinstance(raw.get("errhint"), dict):  # {"settings": {"errhint": {...}}} style
            raw = raw["errhint"]
        defaults = cls()
        for f in fields(cls):
            if f.name not in raw:
                continue
            value = raw[f.name]
            want = type(getattr(defaults, f.name))
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if want is list and isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(settings, f.name, list(value))
            elif isinstance(value, want) and not (want is int and isinstance(value, bool)):
                setattr(settings, f.name, value)
            else:
                problems.append(f"setting {f.name}: expected {want.__name__}, got {type(value).__name__}; ignored")
        return settings, problems


def load_workspace_settings(root: Path | None) -> dict[str, Any]:
    """``.errhint/settings.json`` in the workspace (written by "ignore this error here")."""
    if root is None:
        return {}
    path = root / ".errhint" / "settings.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    ids = data.get("ignoredIds", [])
    data["ignoredIds"] = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    return data


def is_watched(uri: str, language_id: str | None, settings: Settings) -> bool:
    """Should this document get error diagnostics?"""
    if uri.startswith(TERMINAL_SCHEME + ":"):
        return True
    if not settings.enable:
        return False
    if language_id and language_id in settings.languageIds:
        return True
    name = posixpath.basename(uri.split("?", 1)[0])
    return any(fnmatch.fnmatch(name, glob) for glob in settings.fileGlobs)


def is_knowledge_yaml(uri: str) -> bool:
    path = uri.split("?", 1)[0]
    return any(fnmatch.fnmatch(path, glob) for glob in KNOWLEDGE_GLOBS)
