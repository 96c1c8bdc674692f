"""Đề án 06's utilities and databases a programme may rely on (pure: no ORM).

Đề án 06 (Quyết định 06/QĐ-TTg, 6/1/2022: population data, electronic identification and
authentication for the national digital transformation, 2022–2025, vision 2030) is led by
the Ministry of Public Security. Directive 34/CT-TTg asks each programme to be "connected
with Đề án 06": which of its databases and utilities the programme's work uses. The list is
the platform's, short and stable; a programme names codes from it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

UTILITIES: dict[str, object] = {
    "population": _("National population database (CSDL quốc gia về dân cư)"),
    "vneid": _("VNeID electronic identification and authentication"),
    "civil_status": _("Electronic civil-status database (hộ tịch điện tử)"),
    "health_insurance": _("Health insurance and electronic health records on VNeID"),
    "social_security": _("Social-security payments through personal accounts"),
    "judicial_record": _("Judicial record certificates on VNeID (lý lịch tư pháp)"),
    "driving_licence": _("Driving licences integrated with VNeID"),
    "security_order": _("Security and order data (camera, residence, police)"),
    "public_services": _("The 25 essential online public services of Đề án 06"),
    "cashless": _("Cashless payments in public services"),
}
CODES = tuple(UTILITIES)


def unknown(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The codes that are not Đề án 06 utilities."""
    return [code for code in codes if code not in UTILITIES]


def label(code: str) -> str:
    return str(UTILITIES.get(code, code))
