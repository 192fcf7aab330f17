"""``python -m errhint`` is the ``errhint`` command."""

import sys

from .cli import main

sys.exit(main())
