"""Unit names as people and published tables spell them → the edition's units (pure).

The usual spellings are the same unit: NFC or NFD, upper or lower case, with or without
"Tỉnh", "Thành phố", "TP." or "TP", with a hyphen, an en dash or a space between the parts
("Bà Rịa - Vũng Tàu", "Bà Rịa–Vũng Tàu", "Bà Rịa Vũng Tàu"), extra spaces. What stays unknown,
or matches more than one unit, is refused with the nearest names suggested: never guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

_DASHES = re.compile(r"[\-\u2010-\u2015\u2212_]+")
_PREFIX = re.compile(r"^(tỉnh|thành phố|tp\.?|t\.p\.?)\s+")
_PUNCT = re.compile(r"[.,;:()\"'“”]")
SUGGESTIONS = 3


def key(name: str) -> str:
    """The comparison key of a unit name (accents kept: "Hà Nam" is not "Hà Nội")."""
    text = unicodedata.normalize("NFC", name).lower().strip()
    text = _DASHES.sub(" ", text)
    text = " ".join(text.split())
    for _twice in range(2):  # "Thành phố TP. Huế" is not real, but "TP. Hồ Chí Minh" is
        text = _PREFIX.sub("", text)
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split())


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str  # as the edition spells it
    aliases: tuple[str, ...] = ()


@dataclass
class Matched:
    units: dict[str, str] = field(default_factory=dict)  # given name → unit code
    unknown: dict[str, list[str]] = field(default_factory=dict)  # name → nearest names
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # name → the units it fits

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.ambiguous

    def problems(self) -> list[str]:
        lines = []
        for name, near in self.unknown.items():
            if near:
                lines.append(
                    _("“%(name)s” is no unit of this edition; nearest: %(near)s.")
                    % {"name": name, "near": ", ".join(near)}
                )
            else:
                lines.append(_("“%(name)s” is no unit of this edition.") % {"name": name})
        for name, fits in self.ambiguous.items():
            lines.append(
                _(
                    "“%(name)s” fits more than one unit (%(units)s): write the full name or "
                    "the code."
                )
                % {"name": name, "units": ", ".join(fits)}
            )
        return lines


class UnitIndex:
    """The edition's units by comparison key."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = list(candidates)
        self.by_key: dict[str, list[Candidate]] = {}
        for candidate in self.candidates:
            for spelling in {candidate.name, *candidate.aliases}:
                found = self.by_key.setdefault(key(spelling), [])
                if candidate not in found:
                    found.append(candidate)
        self.by_code = {c.code: c for c in self.candidates}

    def match(self, names: Iterable[str]) -> Matched:
        result = Matched()
        for name in names:
            fits = self.by_key.get(key(name), [])
            if len(fits) == 1:
                result.units[name] = fits[0].code
            elif fits:
                result.ambiguous[name] = [f"{c.name} ({c.code})" for c in fits]
            else:
                result.unknown[name] = self.nearest(name)
        return result

    def nearest(self, name: str) -> list[str]:
        folded = {_folded(k): k for k in self.by_key}
        close = difflib.get_close_matches(
            _folded(key(name)), list(folded), n=SUGGESTIONS, cutoff=0.5
        )
        names: list[str] = []
        for item in close:
            for candidate in self.by_key[folded[item]]:
                if candidate.name not in names:
                    names.append(candidate.name)
        return names[:SUGGESTIONS]


def index_of(
    units: Mapping[str, str], aliases: Mapping[str, Iterable[str]] | None = None
) -> UnitIndex:
    aliases = aliases or {}
    return UnitIndex(
        Candidate(code, name, tuple(aliases.get(code, ()))) for code, name in units.items()
    )
