"""A compiled-catalog cache, so start-up does not re-read and re-parse every entry.

The key covers errhint's version and source files, the Python version and, for every pack, each
entry file's path, size and modification time: touching, adding or removing a
file changes the key, and the next start rebuilds. The file is named by a
checksum of the key and starts with the key itself, which must match exactly
(so no hash library is loaded on start-up and a checksum collision cannot serve
a stale catalog). The cache lives in the user's cache directory (mode 0700) and
is only ever read by the same user. ``ERRHINT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
import zlib
from importlib.machinery import PathFinder
from pathlib import Path

from . import __version__
from .catalog import Catalog, Pack, load_catalog, pack_files
from .matcher import Matcher

FORMAT = 4
# Catalogs kept side by side: the language server (with a workspace pack), the CLI and a
# second install each have their own key, and evicting one another would rebuild on every start.
MAX_FILES = 6


def cache_dir() -> Path:
    override = os.environ.get("ERRHINT_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "errhint" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "errhint"


def cache_key(packs: list[Pack]) -> str:
    # Whether RE2 is installed decides how untrusted patterns compile, so it is part of the
    # key (looked up, not imported: importing it costs start-up time a small scan never needs).
    parts = [f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{PathFinder.find_spec('re2') is not None}"]
    # errhint's own modules: a changed class layout (an edit in a development checkout)
    # must not meet a catalog pickled by the old code.
    with os.scandir(os.path.dirname(__file__)) as it:
        parts.extend(f"{e.name}|{e.stat().st_size}|{e.stat().st_mtime_ns}" for e in it if e.name.endswith(".py"))
    for pack in packs:
        parts.append(f"{pack.kind}|{pack.root}")
        for path in pack_files(pack, []):
            try:
                st = path.stat()
            except OSError:
                continue
            parts.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return "\n".join(parts)


def _file_name(key: str) -> str:
    data = key.encode("utf-8", "surrogatepass")
    return f"catalog-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.pickle"


def load(packs: list[Pack]) -> tuple[Catalog, Matcher]:
    """The catalog and its matcher, from the cache when nothing changed."""
    if os.environ.get("ERRHINT_NO_CACHE"):
        return build(packs)
    try:
        key = cache_key(packs)
        path = cache_dir() / _file_name(key)
        if path.is_file():
            with open(path, "rb") as fh:
                data = fh.read()
            header = key.encode("utf-8", "surrogatepass") + b"\0"
            if data.startswith(header):
                catalog, matcher = _unpickle(memoryview(data)[len(header) :])
                with contextlib.suppress(OSError):
                    os.utime(path)  # recently used: evicted last
                return catalog, matcher
    except Exception:
        path = None
    catalog, matcher = build(packs)
    if path is not None:
        _store(path, key, (catalog, matcher))
    return catalog, matcher


def _unpickle(data: bytes | memoryview):
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


def _store(path: Path, key: str, value: object) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        others = sorted(
            (p for p in path.parent.glob("catalog-*.pickle") if p != path),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in others[MAX_FILES - 1 :]:  # the least recently used beyond the limit
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.encode("utf-8", "surrogatepass") + b"\0")
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        pass
