"""Regular expressions compiled on first use.

``re.compile`` runs Python code (the parser and compiler): a few dozen patterns
compiled at import cost milliseconds on every start, even for the common run
that never needs them (a scan that finds nothing never redacts anything).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


class LazyPattern:
    """A ``re.Pattern`` stand-in for the methods errhint uses; compiles on first call."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str | bytes, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[Any] | None = None

    @property
    def compiled(self) -> re.Pattern[Any]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str | bytes:
        return self._source

    def search(self, *args: Any) -> re.Match[Any] | None:
        return self.compiled.search(*args)

    def match(self, *args: Any) -> re.Match[Any] | None:
        return self.compiled.match(*args)

    def finditer(self, *args: Any) -> Iterator[re.Match[Any]]:
        return self.compiled.finditer(*args)

    def sub(self, *args: Any) -> Any:
        return self.compiled.sub(*args)
