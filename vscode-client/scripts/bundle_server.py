"""Bundle the errhint server into vscode-client/bundled/ for the .vsix.

    <python> scripts/bundle_server.py

<python> is the project's interpreter (errhint installed in it). This:
  * copies server/errhint  -> bundled/libs/errhint
  * copies knowledge/      -> bundled/libs/errhint/knowledge
  * pip-installs the pure-Python runtime dependencies into bundled/libs,
    pinned to the versions installed in <python>'s environment, without
    compiled extensions (errhint has pure-Python fallbacks for its
    accelerators, and PyYAML works without its C extension)
  * writes bundled/schema/errhint-knowledge.schema.json (`errhint schema`)
"""

from __future__ import annotations

import importlib.metadata as md
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # vscode-client/
REPO = HERE.parent
BUNDLED = HERE / "bundled"
LIBS = BUNDLED / "libs"
SCHEMA = BUNDLED / "schema" / "errhint-knowledge.schema.json"

# Pure-Python runtime dependencies of the server (pygls 2.x and what it pulls in).
DEPS = ["pygls", "lsprotocol", "cattrs", "attrs", "pyyaml", "typing_extensions", "exceptiongroup"]
# Never bundled: compiled accelerators the core can do without.
COMPILED = ["rapidfuzz", "pyahocorasick", "google-re2"]


def pinned(name: str) -> str:
    try:
        return f"{name}=={md.version(name)}"
    except md.PackageNotFoundError:
        return name


def main() -> int:
    src_pkg = REPO / "server" / "errhint"
    if not (src_pkg / "__init__.py").exists():
        sys.exit(f"bundle_server: {src_pkg} not found")
    if LIBS.exists():
        shutil.rmtree(LIBS)
    LIBS.mkdir(parents=True)

    reqs = [pinned(d) for d in DEPS]
    print("bundle_server: pip install --target bundled/libs", " ".join(reqs), flush=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-compile", "--target", str(LIBS), *reqs],
        check=True,
    )

    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
    shutil.copytree(src_pkg, LIBS / "errhint", ignore=ignore)
    shutil.copytree(REPO / "knowledge", LIBS / "errhint" / "knowledge", ignore=ignore, dirs_exist_ok=True)

    # Keep the bundle platform-neutral: drop compiled modules and scripts.
    removed = []
    for p in list(LIBS.rglob("*")):
        if p.is_file() and p.suffix in {".so", ".pyd", ".dylib"}:
            removed.append(p.relative_to(LIBS).as_posix())
            p.unlink()
    for extra in ("bin", "_yaml"):
        if (LIBS / extra).is_dir():
            shutil.rmtree(LIBS / extra)
    for p in LIBS.rglob("__pycache__"):
        shutil.rmtree(p, ignore_errors=True)
    for name in COMPILED:
        for hit in LIBS.glob(f"{name.replace('-', '_')}*"):
            sys.exit(f"bundle_server: compiled package {hit.name} must not be bundled")
    if removed:
        print("bundle_server: dropped compiled modules:", ", ".join(removed))

    SCHEMA.parent.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "errhint", "schema"], check=True, capture_output=True, text=True, cwd=REPO
    ).stdout
    json.loads(out)  # must be valid JSON
    SCHEMA.write_text(out, encoding="utf-8")

    n_files = sum(1 for p in LIBS.rglob("*") if p.is_file())
    n_yaml = sum(1 for _ in (LIBS / "errhint" / "knowledge").rglob("*.yaml"))
    print(f"bundle_server: {n_files} files in bundled/libs, {n_yaml} knowledge entries, schema {len(out)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
