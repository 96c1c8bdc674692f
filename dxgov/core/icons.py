"""The platform's icons: a chosen few of Lucide's (npm ``lucide-static``, ISC licence), copied
into ``dxgov/static/dxgov/icons/`` by ``dxgov icons build`` and served by the platform itself.

A page draws an icon inline (``{% icon "paperclip" %}``, core/templatetags/dxformat.py): the
SVG takes the text's colour and size, needs no font glyph (the timeline's 📎 was an empty box
in the served fonts) and no request. The stylesheet uses the same files as masks for status
badges (a status carries a word and an icon, never a colour alone). ``dxgov icons check``
(and a test) says whether the committed copies are what the locked npm package holds.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ICON_DIR = Path(__file__).resolve().parents[1] / "static" / "dxgov" / "icons"
SOURCE_DIR = Path(__file__).resolve().parents[2] / "node_modules" / "lucide-static" / "icons"

# Each icon the platform uses, by what it means here.
ICONS = (
    "menu",  # the navigation's button on a phone
    "x",
    "paperclip",  # evidence and attached files
    "circle-check",  # done, on time, valid
    "circle-x",  # refused, error
    "circle-alert",  # overdue, returned
    "triangle-alert",  # warning, late
    "clock",  # open, waiting for a deadline
    "hourglass",  # awaiting confirmation or approval
    "circle-pause",  # postponed
    "ban",  # cancelled
    "circle-dot",  # draft, not started
    "send",  # submitted
    "file-spreadsheet",  # Excel downloads
    "file-text",  # documents (.docx)
    "download",
    "upload",
    "calendar",
    "bell",  # notifications
    "monitor",  # the wall
    "map",
    "chart-no-axes-column",
    "radio",  # live updates
    "info",
    "search",
    "log-out",
    "languages",
    "key-round",
    "user",
    "house",
    "building-2",
    "landmark",
    "list-checks",
    "gauge",
    "database",
    "shield-check",
    "code",
)

_OPENING = re.compile(r"<svg\b[^>]*>", re.DOTALL)


def normalised(text: str) -> str:
    """An icon file as committed: Lucide's own markup with its licence comment."""
    return text.strip() + "\n"


@cache
def _body(name: str) -> str:
    """The drawing inside the icon's <svg> element (paths, circles)."""
    text = (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")
    opening = _OPENING.search(text)
    if opening is None:
        raise ValueError(f"{name}.svg has no <svg> element")
    return text[opening.end() : text.rindex("</svg>")].strip()


def svg(name: str, css: str = "", label: str = "") -> SafeString:
    """The icon as inline SVG markup: decorative (hidden from screen readers) unless a
    `label` names it."""
    if name not in ICONS:
        raise ValueError(f"unknown icon {name!r}: add it to core.icons.ICONS and build")
    classes = escape(f"icon icon-{name} {css}".strip())
    if label:
        named = f' role="img" aria-label="{escape(label)}"'
    else:
        named = ' aria-hidden="true" focusable="false"'
    return mark_safe(  # noqa: S308 (the files are ours; the attributes are escaped)
        f'<svg class="{classes}"{named} xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" '
        f'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round">{_body(name)}</svg>'
    )
