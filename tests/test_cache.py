"""The compiled-catalog cache is invalidated by any change to an entry file."""

from __future__ import annotations

import os
import time

from conftest import entry_yaml
from errhint.cache import load
from errhint.catalog import Pack


def test_cache_hit_and_invalidation(pack, tmp_path, monkeypatch):
    monkeypatch.setenv("ERRHINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ERRHINT_NO_CACHE", raising=False)
    root = pack({"demo/failure": entry_yaml()})
    packs = [Pack(root, "path")]
    catalog, _matcher = load(packs)
    assert list(catalog.entries) == ["demo/failure"]
    assert len(list((tmp_path / "cache").glob("catalog-*.pickle"))) == 1
    catalog2, matcher2 = load(packs)  # from the cache
    assert matcher2.scan("DEMO-FAILURE 5") and catalog2.entries["demo/failure"].title == "Demo failure"
    path = root / "demo" / "failure.yaml"
    path.write_text(entry_yaml().replace("Demo failure", "Changed"))
    later = time.time() + 5
    os.utime(path, (later, later))
    catalog3, _ = load(packs)
    assert catalog3.entries["demo/failure"].title == "Changed"
    (root / "demo" / "other.yaml").write_text(entry_yaml("demo/other"))
    assert set(load(packs)[0].entries) == {"demo/failure", "demo/other"}


def test_a_file_whose_key_differs_is_never_served(pack, tmp_path, monkeypatch):
    """The file name is only a checksum of the key; the key stored inside must match exactly."""
    monkeypatch.setenv("ERRHINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ERRHINT_NO_CACHE", raising=False)
    root = pack({"demo/failure": entry_yaml()})
    packs = [Pack(root, "path")]
    load(packs)
    (cached,) = (tmp_path / "cache").glob("catalog-*.pickle")
    data = cached.read_bytes()
    header_end = data.index(b"\0")
    cached.write_bytes(b"another key" + data[header_end:])  # same name, same pickle, wrong key
    path = root / "demo" / "failure.yaml"
    before = os.stat(path)
    path.write_text(entry_yaml().replace("Demo failure", "Demo FAILURE"))  # same size ...
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and time: the same key
    catalog, _ = load(packs)
    assert catalog.entries["demo/failure"].title == "Demo FAILURE"  # rebuilt, not read from the file
    assert cached.read_bytes().startswith(data[:header_end])  # and stored again under the real key


def test_entry_details_stay_packed_until_read(pack, tmp_path, monkeypatch):
    """A cached entry unpacks its long fields on first access, and pickles again intact
    whether or not they were read."""
    import pickle

    monkeypatch.setenv("ERRHINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ERRHINT_NO_CACHE", raising=False)
    root = pack({"demo/failure": entry_yaml()})
    fresh = load([Pack(root, "path")])[0].entries["demo/failure"]
    cached = load([Pack(root, "path")])[0].entries["demo/failure"]
    assert "fixes" not in cached.__dict__ and "_details" in cached.__dict__
    again = pickle.loads(pickle.dumps(cached))  # pickled while still packed
    assert again == fresh and again.fixes == fresh.fixes and again.mark("id") == fresh.mark("id")
    assert cached.fixes == fresh.fixes and cached.marks == fresh.marks and "_details" not in cached.__dict__
    assert pickle.loads(pickle.dumps(cached)) == fresh  # pickled after unpacking
    assert not hasattr(cached, "no_such_field")  # unknown attributes still raise AttributeError


def test_two_pack_sets_in_turn_both_stay_cached(pack, tmp_path, monkeypatch):
    """The editor (with a workspace pack) and the terminal (without) alternate: neither evicts
    the other's catalog, and only the least recently used beyond the limit is removed."""
    from errhint import cache

    monkeypatch.setenv("ERRHINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ERRHINT_NO_CACHE", raising=False)
    builds = []
    real_build = cache.build
    monkeypatch.setattr(cache, "build", lambda packs: builds.append(1) or real_build(packs))
    base = pack({"demo/failure": entry_yaml()})
    sets = [[Pack(base, "path")], [Pack(base, "path"), Pack(base / "demo", "workspace")]]
    for _ in range(3):
        for packs in sets:
            load(packs)
    assert len(builds) == 2  # each set built once, then read back every time
    for i in range(cache.MAX_FILES):  # more sets than the limit: the oldest goes
        load([Pack(base, "path"), Pack(tmp_path / f"extra{i}", "path")])
    assert len(list((tmp_path / "cache").glob("catalog-*.pickle"))) == cache.MAX_FILES
