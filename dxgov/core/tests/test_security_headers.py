"""Web hardening: CSP without inline script, security headers, no inline code in templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from dxgov.testing.clients import client_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_carry_a_strict_policy_and_security_headers() -> None:
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_templates_have_no_inline_script_or_style() -> None:
    offenders = []
    for template in ROOT.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=\"", text):
            offenders.append(str(template.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=\"", text) or "hx-on" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_csrf_is_enforced_on_page_forms(phutho_leader) -> None:  # type: ignore[no-untyped-def]
    client = client_for(phutho_leader)
    client.handler.enforce_csrf_checks = True
    response = client.post("/agencies/UBND-T25/edit/", {"email": "a@b.vn"})
    assert response.status_code == 403
