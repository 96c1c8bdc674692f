"""Vietnamese text as the overlap detector reads it (pure: no ORM).

Vietnamese writes one syllable per space-separated token, and a word is often two or three
syllables ("cơ sở dữ liệu" is two words, "cơ_sở dữ_liệu"), so splitting at spaces compares
syllables, not words: "sở" of "cơ sở" matches "Sở Y tế". The detector therefore reads text

1. in one normal form: NFC (a decomposed "ệ" equals the composed one) and lower case
   ("XÂY DỰNG" equals "Xây dựng"); diacritics are KEPT, unlike the search fold
   (`core.text.fold`), because they carry meaning here: "dân cư" (population) and "dẫn cứ"
   are different words, and folding would merge "đất" (land) with "đắt" (costly);
2. segmented into words by pyvi's CRF segmenter (`pyvi.ViTokenizer`, MIT, whose model ships
   inside the package: nothing is downloaded at run time). pyvi reads each clause (the text
   between punctuation marks) independently, so clauses are segmented once and kept
   (`_clause`, memoised): programmes repeat clauses ("trên địa bàn tỉnh", "phục vụ người dân
   và doanh nghiệp") across thousands of tasks.

The result is the words joined by spaces, each word's syllables joined by "_", punctuation
dropped: the stored form (`OverlapDocument.words`) from which both the word and the
syllable n-gram features are made.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Clause boundaries: pyvi's features look two syllables to each side, never across these.
_CLAUSES = re.compile(r"[,;:.!?()\[\]{}\"“”‘’'/\\|…\n\r\t]+|\s[-–—]\s|(\d+)")
_SPACES = re.compile(r"\s+")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
CACHE_SIZE = 400_000

_tokenizer: Any = None


def normalise(text: str) -> str:
    """NFC, lower case, single spaces; diacritics kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def _segmenter() -> Any:
    # pyvi loads its CRF model when imported (about a second): only the detector needs it.
    global _tokenizer
    if _tokenizer is None:
        from pyvi import ViTokenizer

        _tokenizer = ViTokenizer
    return _tokenizer


@lru_cache(maxsize=CACHE_SIZE)
def _clause(clause: str) -> tuple[str, ...]:
    words = _segmenter().tokenize(clause).split()
    return tuple(word for word in words if _WORDLIKE.search(word))


def segment(text: str) -> str:
    """The words of `text` (normalised), syllables joined by "_", separated by spaces."""
    words: list[str] = []
    for clause in _CLAUSES.split(normalise(text)):
        clause = (clause or "").strip()
        if clause.isdigit():
            words.append(clause)  # a number is a word of its own, never joined
        elif clause:
            words.extend(_clause(clause))
    return " ".join(words)


def syllables(words: str) -> list[str]:
    """The syllables of a segmented text, in order."""
    return words.replace("_", " ").split()
