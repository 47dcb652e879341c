"""Comparing a spreadsheet header with an item's text, forgivingly (plain Python).

Google Forms headers are the full question text, often numbered (``1. …``, ``Soal 2)``),
sometimes with the answer options appended (``… [Benar/Salah]``) or with different
punctuation. Texts are compared after :func:`normalise`; :func:`similarity` is 0–100.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_NUMBERING = re.compile(
    r"^\s*(?:(?:no|nomor|soal|pertanyaan|question|q|p)\.?\s*)?"  # "Soal 3", "Q3", "No. 3"
    r"[(\[]?\d{1,3}[a-z]?[.):\]]?\s+"  # "3.", "3)", "(3)", "3a."
)
_BRACKETED_TAIL = re.compile(r"\s*\[[^\]]*\]\s*$")  # "… [Benar/Salah]"
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, numbering and a bracketed tail dropped."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip()
    text = _BRACKETED_TAIL.sub("", text)
    text = _NUMBERING.sub("", text, count=1)
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


def quick_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Word overlap (Jaccard) of two token sets, 0–1: cheap, used to shortlist."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str) -> int:
    """How alike two texts are once normalised, 0–100 (100: equal).

    The larger of the character-sequence ratio (catches typos and small rewordings) and the
    word overlap (catches reordered words).
    """
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0
    if na == nb:
        return 100
    ratio = SequenceMatcher(None, na, nb, autojunk=False).ratio()
    overlap = quick_similarity(frozenset(na.split()), frozenset(nb.split()))
    return min(99, round(100 * max(ratio, overlap)))
