"""Approximate string matching: rapidfuzz when installed, difflib otherwise.

The VS Code extension may run the server on a bare interpreter, so every fuzzy
feature has a pure-Python fallback with the same interface.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from .optional import optional_import


def _rapidfuzz():
    """rapidfuzz.fuzz, imported on first use (it costs ~30 ms of start-up)."""
    return optional_import("rapidfuzz.fuzz")


def partial_alignment(needle: str, haystack: str) -> tuple[float, int, int]:
    """Score 0..100 of the best alignment of needle inside haystack, and its span."""
    if not needle or not haystack:
        return 0.0, 0, 0
    _fuzz = _rapidfuzz()
    if _fuzz is not None:
        al = _fuzz.partial_ratio_alignment(needle, haystack)
        if al is None:
            return 0.0, 0, 0
        if len(needle) <= len(haystack):
            return float(al.score), al.dest_start, al.dest_end
        return float(al.score), 0, len(haystack)
    return _difflib_alignment(needle, haystack)


def _difflib_alignment(needle: str, haystack: str) -> tuple[float, int, int]:
    if len(needle) > len(haystack):
        return SequenceMatcher(None, needle, haystack).ratio() * 100, 0, len(haystack)
    best = (0.0, 0, 0)
    matcher = SequenceMatcher(None, needle, haystack, autojunk=False)
    for block in matcher.get_matching_blocks():
        start = max(0, block.b - block.a)
        end = min(len(haystack), start + len(needle))
        start = max(0, end - len(needle))
        score = SequenceMatcher(None, needle, haystack[start:end]).ratio() * 100
        if score > best[0]:
            best = (score, start, end)
    return best


def similarity(a: str, b: str) -> float:
    """Token-order-insensitive similarity 0..100 (free-text search)."""
    _fuzz = _rapidfuzz()
    if _fuzz is not None:
        return float(_fuzz.token_set_ratio(a, b))
    ta, tb = " ".join(sorted(set(a.split()))), " ".join(sorted(set(b.split())))
    return SequenceMatcher(None, ta, tb).ratio() * 100
