"""Start the errhint language server bundled in the VS Code extension.

Puts ``bundled/libs`` (errhint, its knowledge base and its pure-Python
dependencies) first on ``sys.path`` and runs ``errhint serve`` over stdio.
Works with a bare interpreter (``python -I -S``): nothing from site-packages
is needed.
"""

import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")


def main() -> int:
    if sys.version_info < (3, 10):
        sys.stderr.write(
            "errhint: Python %d.%d is too old, the server needs 3.10 or newer\n" % sys.version_info[:2]
        )
        return 2
    sys.path.insert(0, LIBS)
    from errhint.cli import main as cli_main

    return cli_main(["serve", *sys.argv[1:]]) or 0


if __name__ == "__main__":
    sys.exit(main())
