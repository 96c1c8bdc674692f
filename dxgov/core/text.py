"""Vietnamese text, whatever its encoding: one normal form for what is stored, one fold for search.

Vietnamese can be typed composed ("ấ", one code point: NFC) or decomposed ("a" + circumflex +
acute: NFD, what macOS file names and some input methods produce); the two look the same and
compare different, so text stored in NFD was not found by a search typed in NFC, nor the
reverse. Every text input is normalised to NFC once, at the edge: ``NormalizeTextMiddleware``
for query strings and forms (pages and the API alike), ``NFCParser`` for the API's JSON bodies
(after decoding, so ``\\u0301`` escapes are composed too), the spreadsheet reader
(``core.xlsx``) for uploads; endpoints that decode a body themselves pass it through ``nfc``.

Search compares ``fold``ed text: NFC, case-folded (SQLite's LOWER and LIKE fold ASCII only, so
"NÂNG CẤP" did not find "Nâng cấp"), diacritics removed, "đ" as "d", spaces collapsed. A model
searched by text keeps a ``search_text`` column holding the fold of its searched fields (set
on every save; indexed by trigrams on PostgreSQL), and a query folds its input the same way:
``search_text__contains=fold(query)``.

Pure apart from the middleware and the parser, which only wrap Django's and Ninja's own.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from ninja.parser import Parser

# "đ" has no decomposition (it is a letter of its own, not d with a mark): folded by hand.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def nfc(text: str) -> str:
    """``text`` in the composed form (NFC); ASCII is returned as it is, at no cost."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


def nfc_deep(value: Any) -> Any:
    """Every string in a decoded JSON value (keys too) in NFC; anything else as it is."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_deep(key): nfc_deep(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nfc_deep(item) for item in value]
    return value


def fold(text: str) -> str:
    """``text`` as search compares it: no case, no diacritics, "đ" as "d", single spaces.

    "Nâng CẤP hệ thống", its NFD form and "nang cap he thong" all fold to the last.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.translate(_LETTERS).split())


def search_text(*parts: str | None) -> str:
    """The ``search_text`` column of a row searched by ``parts`` (its code, name, …)."""
    return fold(" ".join(part for part in parts if part))


def keep_search_text(
    row: Any, save_kwargs: dict[str, Any], sources: Iterable[str], compute: Callable[[], str]
) -> None:
    """Before ``row.save(**save_kwargs)``: its ``search_text`` recomputed when the save writes
    one of its ``sources`` (or every field), and saved with them; a save of other fields (a
    status) neither recomputes it nor reads what it is computed from."""
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & set(sources):
        return
    row.search_text = compute()
    if update_fields is not None:
        save_kwargs["update_fields"] = {*update_fields, "search_text"}


# --- at the edge -----------------------------------------------------------------------------


def _nfc_querydict(data: Any) -> Any:
    """A request's immutable QueryDict with its keys and values in NFC (itself when ASCII)."""
    if all(key.isascii() and all(v.isascii() for v in values) for key, values in data.lists()):
        return data
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        copy.setlist(nfc(key), [nfc(v) if isinstance(v, str) else v for v in values])
    copy._mutable = False
    return copy


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


API_PREFIX = "/api/"


class NormalizeTextMiddleware:
    """Query strings, form fields and uploaded files' names in NFC, before any view reads them.

    A page's form body is parsed here only when it is a form (as CSRF checking would parse it
    anyway); one Django refuses to parse (too big, too many fields) is left to the view, which
    refuses it as it always has. The API's bodies are left to its parser (``NFCParser``): the
    API reads some bodies whole, which it could not do once their stream was parsed here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _nfc_querydict(request.GET)
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not request.path_info.startswith(API_PREFIX)
        ):
            # What Django refuses to parse here, the view meets again and answers as before.
            with contextlib.suppress(SuspiciousOperation, MultiPartParserError, OSError):
                request.POST = _nfc_querydict(request.POST)
                for _name, files in request.FILES.lists():
                    for upload in files:
                        upload.name = nfc(upload.name or "")
        return self.get_response(request)


class NFCParser(Parser):
    """Ninja's parser, with every string of a JSON body, a query and a form in NFC."""

    def parse_body(self, request: HttpRequest) -> Any:
        return nfc_deep(super().parse_body(request))

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        return nfc_deep(super().parse_querydict(data, list_fields, request))
