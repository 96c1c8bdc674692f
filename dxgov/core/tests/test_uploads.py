"""Uploads are judged by content: a renamed file or a too-large one is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from dxgov.core.uploads import UploadRefused, check_upload, sniff

PDF = b"%PDF-1.4\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def _package(inner: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(inner, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (_package("word/document.xml"), "docx"),
        (_package("xl/workbook.xml"), "xlsx"),
        (_package("other.xml"), None),
        (b"PK\x03\x04broken", None),
        (b"hello", None),
    ],
)
def test_sniff(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_accepts_what_it_claims() -> None:
    checked = check_upload("to-trinh.pdf", PDF, allowed={"pdf", "docx"}, max_bytes=100)
    assert checked.kind == "pdf" and checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("a.pdf", b"", "empty"),
        ("a.pdf", PDF * 1000, "limit"),
        ("a.exe", b"MZ\x90\x00", "not an accepted kind"),
        ("a.pdf", _package("word/document.xml"), "name says otherwise"),
        ("image.png", PNG, "not an accepted kind"),
    ],
)
def test_refusals_say_why(name: str, data: bytes, fragment: str) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(UploadRefused, match=fragment):
        check_upload(name, data, allowed={"pdf", "docx"}, max_bytes=10_000)
