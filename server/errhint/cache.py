"""A compiled-catalog cache, so start-up does not re-read and re-parse every entry.

The key covers errhint's version, the Python version and, for every pack, each
entry file's path, size and modification time: touching, adding or removing a
file changes the key, and the next start rebuilds. The cache lives in the
user's cache directory (mode 0700) and is only ever read by the same user.
``ERRHINT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from . import __version__
from .catalog import Catalog, Pack, load_catalog, pack_files
from .matcher import Matcher

FORMAT = 2


def cache_dir() -> Path:
    override = os.environ.get("ERRHINT_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "errhint" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "errhint"


def cache_key(packs: list[Pack]) -> str:
    from .patterns import re2_module

    # Whether RE2 is importable decides how untrusted patterns compile, so it is part of the key.
    h = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{re2_module() is not None}".encode())
    for pack in packs:
        h.update(f"|{pack.kind}|{pack.root}".encode())
        for path in pack_files(pack, []):
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"|{path}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:32]


def load(packs: list[Pack]) -> tuple[Catalog, Matcher]:
    """The catalog and its matcher, from the cache when nothing changed."""
    if os.environ.get("ERRHINT_NO_CACHE"):
        return build(packs)
    try:
        key = cache_key(packs)
        path = cache_dir() / f"catalog-{key}.pickle"
        if path.is_file():
            with open(path, "rb") as fh:
                data = fh.read()
            catalog, matcher = _unpickle(data)
            return catalog, matcher
    except Exception:
        path = None
    catalog, matcher = build(packs)
    if path is not None:
        _store(path, (catalog, matcher))
    return catalog, matcher


def _unpickle(data: bytes):
    """pickle.loads with the cyclic GC paused: unpickling creates tens of thousands of
    objects and would otherwise trigger repeated collections (about a third of load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def build(packs: list[Pack]) -> tuple[Catalog, Matcher]:
    catalog = load_catalog(packs)
    return catalog, Matcher(catalog.entries.values(), eager=False)


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in path.parent.glob("catalog-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        pass
