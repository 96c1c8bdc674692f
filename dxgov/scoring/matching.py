"""Matching DVCQG unit names to dxgov agencies (pure).

DVCQG writes "UBND xã Ví Dụ", "UBND Phường …" or "Sở Tư pháp - Tỉnh Phú Thọ"; dxgov names are
"Ủy ban nhân dân xã Ví Dụ" and "Sở Tư pháp tỉnh Phú Thọ". Both sides are folded (no accents,
lower case), "UBND" spelled out, and the province part (after " - ", or the province's own
name at the end) dropped, so that names compare within one province.
"""

from __future__ import annotations

from dxgov.core.text import fold

COMMITTEE = "uy ban nhan dan"


def name_key(name: str, province_suffix: str = "") -> str:
    """A comparable key: folded, 'UBND' spelled out, the province part removed."""
    text = fold(name).replace("–", "-")
    if " - " in text:
        text = text.split(" - ", 1)[0]
    if text.startswith("ubnd "):
        text = COMMITTEE + text[4:]
    if province_suffix and text.endswith(" " + province_suffix) and not text.startswith(COMMITTEE):
        text = text[: -len(province_suffix) - 1]
    return " ".join(text.split())


def province_suffix(root_name: str) -> str:
    """ "Ủy ban nhân dân tỉnh Phú Thọ" → "tinh phu tho" (how departments' names end)."""
    folded = fold(root_name)
    return folded[len(COMMITTEE) :].strip() if folded.startswith(COMMITTEE) else folded


def match(names: dict[str, str], agencies: dict[str, int], root_name: str) -> dict[str, int]:
    """unit id → agency id for the DVCQG units (`names`: unit id → name) whose key is unique
    among `agencies` (name → id, one province's)."""
    suffix = province_suffix(root_name)
    keys: dict[str, list[int]] = {}
    for name, agency_id in agencies.items():
        keys.setdefault(name_key(name, suffix), []).append(agency_id)
    found = {}
    for unit_id, name in names.items():
        candidates = keys.get(name_key(name, suffix), [])
        if len(candidates) == 1:
            found[unit_id] = candidates[0]
    return found
