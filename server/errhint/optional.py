"""Optional C-backed accelerators, imported on first use.

rapidfuzz, google-re2 and pyahocorasick make errhint faster, but the VS Code
extension may run the server on a bare interpreter without them; every caller
has a pure-Python path for ``None``. Importing lazily also keeps start-up short.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

_MISSING = object()
_modules: dict[str, Any] = {}


def optional_import(name: str) -> Any | None:
    """The module, or None when it is not installed (cached either way)."""
    module = _modules.get(name, _MISSING)
    if module is _MISSING:
        try:
            module = importlib.import_module(name)
        except ImportError:
            module = None
        _modules[name] = module
    return module
