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
