"""errhint: recognise known error signatures in terminal output and logs, and explain them."""

__version__ = "0.1.0"
