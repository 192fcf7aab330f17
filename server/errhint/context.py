"""Read-only checks of this machine, used to rank causes and fixes.

A check looks at presence only: whether a variable is set, a file exists, a
program is on PATH. It never reads a value, never runs a program and never
touches the network, so it is safe to evaluate on every hover.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import Cause, Entry, Fix


@dataclass(frozen=True)
class CheckResult:
    value: bool | None  # None: could not be decided here
    description: str  # e.g. "ANTHROPIC_API_KEY is set" (never a value)


class Machine:
    """The facts checks may look at; tests pass their own environment."""

    def __init__(self, env: Mapping[str, str] | None = None, os_name: str | None = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.os_name = os_name or current_os()

    def env_set(self, name: str) -> bool:
        return bool(self.env.get(name, "").strip())

    def path_exists(self, raw: str, want_dir: bool) -> bool:
        path = Path(os.path.expandvars(os.path.expanduser(raw)))
        try:
            return path.is_dir() if want_dir else path.is_file()
        except OSError:
            return False

    def on_path(self, program: str) -> bool:
        return shutil.which(program, path=self.env.get("PATH")) is not None


def current_os() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "darwin"
    if "microsoft" in platform.release().lower():
        return "wsl"
    return "linux"


def evaluate(check: Mapping[str, Any] | None, machine: Machine) -> CheckResult:
    """Evaluate one declarative check; the description states presence only."""
    if not check:
        return CheckResult(None, "")
    key, arg = next(iter(check.items()))
    if key == "env_set":
        ok = machine.env_set(arg)
        return CheckResult(ok, f"{arg} is {'set' if ok else 'not set'} in this environment")
    if key == "env_unset":
        ok = not machine.env_set(arg)
        return CheckResult(ok, f"{arg} is {'not set' if ok else 'set'} in this environment")
    if key in ("file_exists", "dir_exists"):
        ok = machine.path_exists(arg, key == "dir_exists")
        return CheckResult(ok, f"{arg} {'exists' if ok else 'does not exist'} here")
    if key == "command":
        ok = machine.on_path(arg)
        return CheckResult(ok, f"`{arg}` is {'on' if ok else 'not on'} PATH")
    if key == "os":
        ok = machine.os_name == arg or (arg == "linux" and machine.os_name == "wsl")
        return CheckResult(ok, f"this machine {'runs' if ok else 'does not run'} {arg}")
    if key in ("all", "any"):
        results = [evaluate(c, machine) for c in arg]
        values = [r.value for r in results]
        if key == "all":
            value = False if False in values else (None if None in values else True)
        else:
            value = True if True in values else (None if None in values else False)
        relevant = [r.description for r in results if r.value == value] or [r.description for r in results]
        return CheckResult(value, "; ".join(relevant))
    if key == "not":
        inner = evaluate(arg, machine)
        return CheckResult(None if inner.value is None else not inner.value, inner.description)
    return CheckResult(None, f"unknown check {key}")


@dataclass(frozen=True)
class RankedCause:
    cause: Cause
    result: CheckResult
    rank: int  # position in the entry, used to keep order stable

    @property
    def likely_here(self) -> bool:
        return self.result.value is True

    @property
    def ruled_out_here(self) -> bool:
        return self.result.value is False


@dataclass(frozen=True)
class RankedFix:
    fix: Fix
    index: int  # index in entry.fixes (commands refer to it)
    result: CheckResult


def _order(value: bool | None) -> int:
    """Detected here first; otherwise keep the author's frequency order.

    A check that does not hold is weak evidence (an entry's check often tests one
    precondition of a cause, not the cause), so it is reported but never demotes.
    """
    return 0 if value is True else 1


def rank_causes(entry: Entry, machine: Machine) -> list[RankedCause]:
    """Causes whose check holds here first, then the rest in the entry's order."""
    ranked = [RankedCause(c, evaluate(c.check, machine), i) for i, c in enumerate(entry.causes)]
    return sorted(ranked, key=lambda r: (_order(r.result.value), r.rank))


def rank_fixes(entry: Entry, machine: Machine) -> list[RankedFix]:
    ranked = [RankedFix(f, i, evaluate(f.check, machine)) for i, f in enumerate(entry.fixes)]
    return sorted(ranked, key=lambda r: (_order(r.result.value), r.index))
