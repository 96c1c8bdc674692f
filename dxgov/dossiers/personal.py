"""Identity numbers hidden in text (Decree 13/2023): one detector for every string of a dossier.

A dossier record never names its applicant: the format has no field for a citizen's identity,
name or contact details, and keys naming them refuse the record (`schema.PII_KEYS`). But a
number can hide in free text: a document's name ("Bản sao CCCD 079203001234"), a fee's name,
a result code, the population-database code, the dossier code itself. Every string of an
incoming record (values and keys, at any depth, whatever the field) is scanned here; a match
refuses the record with its path, and the copy kept in quarantine has it masked (`mask`).

What is an identity number (`find` gives its kind):

* **citizen identity number** (CCCD, Circular 59/2021/TT-BCA): 12 digits whose first three
  are a province code 001–096 (then the century-and-sex digit, the year of birth, a serial);
* **identity card number** (the old CMND): 9 digits starting 01–38 (the old province codes);
* **passport number**: one capital letter and 7 or 8 digits standing alone (B1234567), except
  in a code (below);
* **phone number**: a Vietnamese mobile (0 and 3, 5, 7, 8 or 9, then 8 digits), a landline
  (02 and 9 digits), or either with +84 instead of the 0 (without the "+", 84 and 9 digits is
  an amount as often: 84526000000 đồng in the investment demo). No dossier field holds a phone.

How a number may be written: its digits in one run (letters may touch it: "CCCD079203001234"
is found), or — for numbers starting with 0 or +84, as people write phones and identity numbers
— in groups joined by one space, dot or hyphen ("0912.345.678", "079 203 001 234", the area
code in brackets: "(024) 3812 3456"), standing alone. Not found: "84 912 345 678" (84 without
its "+" starts no grouped number: it reads as an amount). Unicode digits count as the digits
they are, and invisible characters (zero-width space, soft hyphen, …) are ignored.

What is not one (the false positives avoided, each tested as a near miss):

* a **code's segments are never joined**: codes are segments joined by "-", "." or "/"
  ("UBND-X25001-2507-0000123", "000.00.07.H25-250701-0001", procedure "1.001234"); a group of
  digits glued to a letter or preceded by a hyphen or dot does not start a grouped number, so
  only a single run of digits in a code can be an identity number. A dossier code is therefore
  refused only when one of its runs of digits is one by itself: zero-padded serials
  ("000000001234") and dates with serials ("250701000123") are not; and in a code (the
  dossier, procedure, agency, result and population-database codes, without spaces: with
  them it is words) a letter and 7–8 digits is a prefixed serial ("F0000001"), not a passport
  number. So "H-079.203.001.234" (a grouped number after a code's hyphen) is not found: the
  price of "ABC-01-2025-000123" not being read as the citizen number 012025000123;
* an **amount** written with thousands separators ("100.000.000.000 đồng") does not start with
  0 and is not a grouped number, and digits followed by a currency ("150000000 đồng", "… VND")
  are an amount; nor are dates ("01.07.2025": 8 digits);
* a run of **13 digits or more** is none of them (not a 12-digit number with one more).

The scan is a compiled regular expression over each string, which finds candidates (runs of
9–12 digits, grouped numbers starting 0 or +84, a letter and 7–8 digits); a candidate is then
classified in Python. A cheaper expression (`_GUARD`: a digit and six more digits or
separators) is searched first; most free text has no such stretch and costs that one search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

CITIZEN_ID = "citizen_id"
ID_CARD = "id_card"
PASSPORT = "passport"
PHONE = "phone"

# What a refusal says of each kind ("records[3].documents[1].name: looks like …").
DESCRIPTIONS = {
    CITIZEN_ID: "a citizen identity number",
    ID_CARD: "an identity card number",
    PASSPORT: "a passport number",
    PHONE: "a phone number",
}
MASK = "[removed]"

_CANDIDATE = re.compile(
    r"""
    (?P<run>(?<!\d)\+?\d{9,12}(?!\d))                       # digits in one run
    | (?P<grouped>(?<![\w.+-])(?:\+84|0)\d*\)?(?:[\s.-]\d+)+(?![\w]|[.-]\d))  # (024) 3812 3456
    | (?P<passport>(?<![^\W\d_])(?<!\d)[A-Z]\d{7,8}(?![^\W_]))  # B1234567
    """,
    re.VERBOSE,
)
# Characters that do not show: a number split by them is the number.
_INVISIBLE_CHARS = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# What every candidate holds (a run of 9 digits, a grouped number of 9 or more, a passport's
# 7): a digit and six more digits, separators or invisible characters. Searched first, as it
# is several times faster than `_CANDIDATE` (no look-behind at every position): most text
# (names, URLs) has no such stretch and costs this one search.
_GUARD = re.compile(f"\\d[\\d\\s.)\\-{_INVISIBLE_CHARS}]{{6}}")
# In a code of ASCII characters without spaces (what codes are), a candidate is a run of 9
# ASCII digits or a grouped number (0 or +84 first) where one may start (not after a letter,
# digit, ".", "+" or "-"): searched when `_GUARD` matched, as every code's serial makes it.
_CODE_GUARD = re.compile(
    r"[0-9]{9}|[\x00-\x2a,/:-@\[-^`{-\x7f][(]?(?:\+84|0)[0-9.)\-]{6}"  # ASCII but \w . + -
)
_CODE_START = re.compile(r"[(]?(?:\+84|0)[0-9.)\-]{6}")

_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"\s")
# Digits not starting with 0 followed by a currency are an amount ("Lệ phí 150000000 đồng").
_CURRENCY_AFTER = re.compile(r"\s?(?:đồng|đ|vnđ|vnd)(?!\w)", re.IGNORECASE)


def find(text: str, *, code: bool = False) -> str | None:
    """The kind of the first identity number in `text` (see the module), or None. In a code
    (`code=True`), a letter and 7–8 digits is the code's serial, not a passport number."""
    if _GUARD.search(text) is None:  # the common case: no stretch of digits
        return None
    if (
        code
        and text.isascii()
        and _SPACE.search(text) is None
        and _CODE_GUARD.search(text) is None
        and _CODE_START.match(text) is None
    ):
        return None  # a code's serials
    for _match, kind in _identities(text, code):
        return kind
    return None


def mask(text: str, *, code: bool = False) -> str:
    """`text` with every identity number in it replaced by "[removed]"."""
    if find(text, code=code) is None:
        return text
    visible = _INVISIBLE.sub("", text)
    parts: list[str] = []
    end = 0
    for match, _kind in _identities(visible, code):
        parts.append(visible[end : match.start()])
        parts.append(MASK)
        end = match.end()
    parts.append(visible[end:])
    return "".join(parts)


def find_number(value: int) -> str | None:
    """The kind of identity number a whole number is, read as its digits or with the leading
    zero a number loses (079203001234 sent as 79203001234), or None. For what is kept in
    quarantine: a number in a field that takes one is not judged by this."""
    digits = str(abs(value))
    return find(digits) or find("0" + digits)


def message(kind: str) -> str:
    """The refusal of a value holding an identity number of `kind`."""
    return f"looks like {DESCRIPTIONS[kind]}; personal data is not accepted"


def _identities(text: str, code: bool) -> Iterator[tuple[re.Match[str], str]]:
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    if code and _SPACE.search(text) is not None:
        code = False  # words, not a code: "Hộ chiếu B1234567" in a result code
    for match in _CANDIDATE.finditer(text):
        kind = _classify(match)
        if kind is not None and not (code and kind == PASSPORT):
            yield match, kind


def _classify(match: re.Match[str]) -> str | None:
    if match.group("passport") is not None:
        return PASSPORT
    written = match.group()
    digits = _NOT_DIGIT.sub("", written)
    if not digits.isascii():  # other scripts' digits, as the digits they are
        digits = "".join(str(unicodedata.decimal(ch)) for ch in digits)
    if written[0] == "+":  # +84…
        return _phone("0" + digits[2:]) if digits.startswith("84") else None
    if digits[0] != "0" and _CURRENCY_AFTER.match(match.string, match.end()) is not None:
        return None  # an amount (amounts do not start with 0)
    count = len(digits)
    if count == 12 and "001" <= digits[:3] <= "096":
        return CITIZEN_ID
    if count == 9 and "01" <= digits[:2] <= "38":
        return ID_CARD
    return _phone(digits)


def _phone(digits: str) -> str | None:
    """A Vietnamese phone number in its national form: a mobile (10 digits: 0 and 3, 5, 7, 8
    or 9) or a landline (11 digits: 02 …)."""
    count = len(digits)
    if count == 10 and digits[0] == "0" and digits[1] in "35789":
        return PHONE
    if count == 11 and digits.startswith("02"):
        return PHONE
    return None


# --- a whole decoded value ---------------------------------------------------------------------


def paths(
    value: Any,
    where: str,
    *,
    skip: Callable[[str], bool] | None = None,
    codes: frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """(path, kind) of every string in `value` (keys too, at any depth) holding an identity
    number, values in document order (a key holding one is named when its object is reached).
    A string under a key in `codes` is read as a code (`find`); `skip(key)` leaves a key's
    value out (values already refused for their key). Iterative: a value nested 100,000 deep
    costs no recursion."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str, bool]] = [(value, where, False)]
    while stack:
        item, here, code = stack.pop()
        if isinstance(item, str):
            kind = find(item, code=code)
            if kind is not None:
                found.append((here, kind))
        elif isinstance(item, dict):
            inner: list[tuple[Any, str, bool]] = []
            for key, entry in item.items():
                name = str(key)
                kind = find(name)
                if kind is not None:
                    found.append((f"{here}.{mask(name)}", kind))
                    continue
                if skip is not None and skip(name):
                    continue
                inner.append((entry, f"{here}.{name}", name in codes))
            stack.extend(reversed(inner))
        elif isinstance(item, list):
            stack.extend(
                (entry, f"{here}[{index}]", code)
                for index, entry in reversed(list(enumerate(item)))
            )
    return found
