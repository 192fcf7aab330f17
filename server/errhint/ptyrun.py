"""Run an interactive command inside a pseudo-terminal, keeping a copy of what it showed.

When ``errhint run`` is used from a terminal, tools like ``claude`` must still
see a terminal (colours, prompts, raw input), so pipes are not enough: the
command gets a pty, keystrokes pass through, and the screen output is copied
into a bounded buffer for scanning afterwards.
"""

from __future__ import annotations

import os
import shutil

from .runner import CAPTURE_LIMIT, TailBuffer


def pty_available() -> bool:
    try:
        import pty  # noqa: F401
        import termios  # noqa: F401
    except ImportError:  # Windows
        return False
    return True


def run_in_pty(cmd: list[str], limit: int = CAPTURE_LIMIT, sink=None) -> tuple[int, list[tuple[str, bytes]]]:
    """Run cmd attached to a new pty; return its exit code and the captured terminal output.

    With ``sink`` the output goes to ``sink.writer("terminal")`` as it arrives instead.
    """
    import pty

    if shutil.which(cmd[0]) is None:
        raise FileNotFoundError(cmd[0])
    buffer = sink.writer("terminal") if sink is not None else TailBuffer(limit)

    def copy(fd: int) -> bytes:
        data = os.read(fd, 1 << 16)
        buffer.write(data)
        return data

    status = pty.spawn(cmd, copy)
    code = os.waitstatus_to_exitcode(status)
    return code, ([] if sink is not None else [("terminal", buffer.getvalue())])
