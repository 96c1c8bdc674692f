"""Uploaded files are judged by their content, not their name (pure apart from reading bytes).

A PDF starts with "%PDF-"; DOCX and XLSX are ZIP packages holding word/document.xml or
xl/workbook.xml; PNG and JPEG have fixed signatures. A file renamed to look like another
kind is refused, and so is anything over the size limit.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "png": "PNG",
    "jpeg": "JPEG",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "png": {"png"},
    "jpeg": {"jpg", "jpeg"},
}


# The ZIP central directory a package (DOCX, XLSX) may have: zipfile builds an object for each
# of its entries (about 500 bytes), so 200,000 empty entries in a 17 MB upload cost over 100 MB.
# An entry takes at least 46 bytes of the directory; a real workbook or document has a few
# dozen. ZIP64 (for packages over 4 GB or 65,535 entries) is never needed below the size limit.
MAX_ZIP_DIRECTORY = 1024 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


def zip_directory_size(data: bytes) -> int | None:
    """The size of a ZIP's central directory as its end record declares it (what zipfile
    reads, found the way zipfile finds it); None without an end record, or for ZIP64."""
    tail = data[-(65_535 + 22) :]
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < 22:
        return None
    if at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
        return None
    return int.from_bytes(tail[at + 12 : at + 16], "little")


def zip_directory_fits(data: bytes) -> bool:
    """Whether a ZIP package's directory can be opened without building too many entries."""
    size = zip_directory_size(data)
    return size is not None and size <= MAX_ZIP_DIRECTORY


class UploadRefused(ValueError):
    """The file is of a kind that is not accepted, is not what its name says, or is too big."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, or None when unrecognised."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        if not zip_directory_fits(data):
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_upload(name: str, data: bytes, *, allowed: set[str], max_bytes: int) -> CheckedUpload:
    if len(data) == 0:
        raise UploadRefused(_("The file %(name)s is empty.") % {"name": name})
    if len(data) > max_bytes:
        raise UploadRefused(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(len(data) / 1e6, 1), "limit": round(max_bytes / 1e6, 1)}
        )
    directory = zip_directory_size(data) if data.startswith(b"PK\x03\x04") else None
    if directory is not None and directory > MAX_ZIP_DIRECTORY:
        raise UploadRefused(
            _(
                "The file %(name)s is a package whose table of contents is larger than "
                "%(cap)d KB; a document or workbook needs a few hundred bytes of it."
            )
            % {"name": name, "cap": MAX_ZIP_DIRECTORY // 1024}
        )
    kind = sniff(data)
    accepted = ", ".join(KIND_NAMES[k] for k in sorted(allowed))
    if kind is None or kind not in allowed:
        raise UploadRefused(
            _("The file %(name)s is not an accepted kind of file (accepted: %(accepted)s).")
            % {"name": name, "accepted": accepted}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise UploadRefused(
            _("The file %(name)s is a %(kind)s file but its name says otherwise; rename it.")
            % {"name": name, "kind": KIND_NAMES[kind]}
        )
    return CheckedUpload(kind=kind, content_type=CONTENT_TYPES[kind], size=len(data))
