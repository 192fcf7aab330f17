"""A loaded catalog and its compiled matcher: the core both front ends share."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, LoadProblem, Pack, default_packs
from .matcher import Matcher
from .model import Entry


@dataclass
class EngineOptions:
    knowledge_paths: Sequence[str] = ()
    bundled: bool = True
    user: bool = True
    workspace: Path | None = None
    workspace_trusted: bool = False


@dataclass
class Engine:
    options: EngineOptions = field(default_factory=EngineOptions)
    catalog: Catalog = field(default_factory=Catalog)
    matcher: Matcher = field(default_factory=lambda: Matcher([]))
    problems: list[LoadProblem] = field(default_factory=list)

    @classmethod
    def load(cls, options: EngineOptions | None = None) -> Engine:
        engine = cls(options or EngineOptions())
        engine.reload()
        return engine

    def packs(self) -> list[Pack]:
        o = self.options
        return default_packs(
            o.knowledge_paths,
            bundled=o.bundled,
            user=o.user and not os.environ.get("ERRHINT_NO_USER_KNOWLEDGE"),
            workspace=o.workspace,
            workspace_trusted=o.workspace_trusted,
        )

    def reload(self) -> None:
        from .cache import load

        self.catalog, self.matcher = load(self.packs())
        self.problems = list(self.catalog.problems)

    def entry(self, entry_id: str) -> Entry | None:
        return self.catalog.get(entry_id)

    def search(self, query: str, limit: int = 5) -> list[tuple[float, Entry]]:
        """Entries ranked for free text: its matches first, then fuzzy similarity."""
        from .fuzzy import similarity  # difflib / rapidfuzz: only `explain` with free text needs them

        scored: dict[str, tuple[float, Entry]] = {}
        for m in self.matcher.scan(query):
            scored[m.entry.id] = (100.0 + m.confidence, m.entry)
        q = query.lower()
        for e in self.catalog:
            if e.id in scored:
                continue
            haystack = " ".join([e.id, e.title, e.quick_fix, *e.examples[:2]]).lower()
            score = similarity(q, haystack)
            if score >= 55:
                scored[e.id] = (score, e)
        return sorted(scored.values(), key=lambda s: -s[0])[:limit]
