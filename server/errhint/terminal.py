"""The terminal's width, as ``shutil.get_terminal_size`` finds it, without importing shutil.

shutil brings bz2 and lzma along; the CLI needs the width on every start (argparse's
help formatter asks for it) and must start fast.
"""

from __future__ import annotations

import os
import sys


def columns(fallback: int = 80) -> int:
    """$COLUMNS, else the width of the terminal on stdout, else ``fallback``."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or fallback
    except (AttributeError, ValueError, OSError):
        return fallback
