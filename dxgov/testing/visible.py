"""What a reader sees on a page, and what must never be among it (issue 16, §2).

`visible_text` keeps the text a person reads: text nodes outside scripts, styles and code
elements (a code shown as a code, on purpose), the values
of text inputs, and the `title`, `aria-label`, `placeholder` and `alt` attributes (tooltips and
what a screen reader says). URLs, ids and other attributes are left out: codes, years and ids
belong there. `problems` lists what a Vietnamese page must not show: an English-style number
(``3,092``), a long run of digits without separators (``163877``, ``10830000000``; codes such as
``UBND-T25`` or ``000.00.25.H45`` are not runs on their own), an internal code shown as a label
(``people_committee``, ``dossiers.batch:51``) or a file name where a title belongs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Not read as text: scripts and styles; code elements, which show a code as a code on purpose
# (a field name of the dossier format, beside its name in words); and what a person is typing
# (a textarea's content is theirs, not the page's words).
_SKIPPED = frozenset({"script", "style", "template", "noscript", "code", "kbd", "samp", "textarea"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
_TEXT_INPUTS = frozenset({"text", "search", "number", ""})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SKIPPED and tag not in _VOID:
            self.skipping += 1
            return
        if self.skipping:
            return
        for name in _READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and (values.get("type") or "") in _TEXT_INPUTS and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return "\n".join(" ".join(part.split()) for part in reader.parts)


# 3,092 or 1,340,616.0: a comma before a group of three digits.
ENGLISH_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])")
# Five or more digits standing alone (not part of a code like "H45-261101" or "2026Q1"); a
# quantity never begins with 0, a commune code (04795) does; a record's number (#10875) is an
# identifier, not a quantity.
LONG_DIGITS = re.compile(r"(?<![\w.,/:\-#])[1-9]\d{4,}(?![\w,/:\-]|\.\d)")
# people_committee, done_on_time: a lower-case identifier with underscores.
SNAKE_CASE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./-])")
# dossiers.batch:51 (an audit target), seeds/003_x.txt (a file where a title belongs).
INTERNAL_REFERENCE = re.compile(
    r"\b[a-z_]+\.[a-z_]+:\d+\b|\b[\w./-]+\.(?:txt|py|json|csv)\b(?!\S*@)"
)


def problems(text: str) -> list[str]:
    """Each offending piece of `text` (one line per text node or attribute), with its line.

    An identifier with underscores counts when it is all the node says, as a label or a cell
    would show it (a sentence explaining a file's columns may name them)."""
    found = []
    for line in text.splitlines():
        for pattern, what in (
            (ENGLISH_NUMBER, "English-style number"),
            (LONG_DIGITS, "digits without separators"),
            (INTERNAL_REFERENCE, "internal reference"),
        ):
            for match in pattern.finditer(line):
                found.append(f"{what} {match.group(0)!r} in {line[:160]!r}")
        label = line.strip(" .,:;()·—-")
        if SNAKE_CASE.fullmatch(label):
            found.append(f"internal code {label!r} shown as a label")
    return found
