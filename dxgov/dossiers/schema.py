"""The dossier record `dxgov.dossier/1`: validation of one record (pure, on the hot path).

`validate(raw, where)` turns one decoded JSON value into a `DossierRecord`, or into a list of
errors, each with the precise path of the offending value (`records[12].fees[0].amount: must be
≥ 0`). It never raises, whatever it is given. Two paths, one set of rules: well-formed records
(most) are read by msgspec into Structs (`FastRecord`, `decode_fast`, `fast_check`); what that
path refuses goes through the hand-written `validate_precise`, which names every error (see ADR
11). Both take their limits, enumerations and predicates (`in_years`, `storable`) from this
module's one definition of each, and the fast path accepts only what the precise one accepts,
building the same record (tested).

Personal data (Decree 13/2023) is refused: a key naming a citizen's identity, name or contact
details (`citizen_id`, `cccd`, `ho_ten`, `phone`, …) anywhere in the record makes it invalid,
and so does an identity number in any string of it, whatever the field (`personal.find`: a
citizen identity number, an old identity card number, a passport number, a phone number), each
named with its path ("records[3].documents[1].name: looks like a citizen identity number;
personal data is not accepted"). `redact()` replaces such values with "[removed]" (keys: the
whole value; identity numbers: the number) before the record is kept in quarantine.

Datetimes are RFC 3339 (the ISO 8601 profile OpenAPI's `date-time` means) with a UTC offset
(`2025-07-01T08:30:00+07:00`, `…Z`); a time without an offset is refused, as it would be read
differently by different systems. Fractions beyond microseconds are rounded. A key the format
does not name is refused, at any level ("records[3].so_dinh_danh: is not a field of
dxgov.dossier/1"): a key silently dropped could carry what the sender meant to be kept, or
personal data no one looks at.

Error messages are English and stable: they are read by the source systems' developers.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta

from dxgov.dossiers import personal

SCHEMA = "dxgov.dossier/1"

# The enumerations, once: the Literal types are the fast path's (msgspec) and the sets and tuples
# derived from them the precise validator's.
Status = Literal[
    "received",
    "processing",
    "supplement_requested",
    "supplement_completed",
    "finished",
    "returned",
    "stopped",
    "rejected",
    "withdrawn",
]
Unit = Literal["working_day", "day", "hour"]
Channel = Literal[1, 2, 3]
PaidOnline = Literal[0, 1, 2]
Rating = Literal[1, 2, 3, 4, 5]
STATUSES: frozenset[str] = frozenset(get_args(Status))
UNITS: frozenset[str] = frozenset(get_args(Unit))
CHANNELS: tuple[int, ...] = get_args(Channel)
PAID_ONLINE: tuple[int, ...] = get_args(PaidOnline)
RATINGS: tuple[int, ...] = get_args(Rating)

REQUIRED = ("code", "procedure_code", "agency_code", "received_at", "updated_at")
# Optional fields whose absence the quality page counts (completeness of the record).
EXPECTED = (
    "submitted_at",
    "due_at",
    "finished_at",
    "processing_time",
    "channel",
    "status_history",
    "filed_on_dvcqg",
    "synced_to_dvcqg",
    "paid_online",
)
FIELDS = frozenset(
    {
        *REQUIRED,
        *EXPECTED,
        "result_code",
        "result_file_url",
        "has_digitised_component",
        "documents",
        "vneid_authenticated",
        "population_db_code",
        "fees",
        "rating",
        "petitions",
    }
)
# Keys (folded: lower case, no separators) that name personal data, and parts of keys that do.
PII_KEYS = frozenset(
    {
        "citizenid",
        "idnumber",
        "idno",
        "cccd",
        "cmnd",
        "socccd",
        "socmnd",
        "applicantname",
        "fullname",
        "hoten",
        "hovaten",
        "name_of_applicant",
        "phone",
        "email",
        "address",
        "dateofbirth",
        "dob",
        "birthdate",
        "ngaysinh",
        "sodienthoai",
        "dienthoai",
        "diachi",
        "passport",
        "hochieu",
        "socialinsurancenumber",
        "taxcode",
        "masothue",
        "sdt",
        "sodt",
    }
)
PII_PARTS = (
    "citizen",
    "cccd",
    "cmnd",
    "hoten",
    "hovaten",
    "fullname",
    "applicantname",
    "phone",
    "email",
    "address",
    "dateofbirth",
    "ngaysinh",
    "dienthoai",
    "diachi",
    "passport",
    "hochieu",
    "dinhdanh",
    "cancuoc",
    "identity",
)
REMOVED = "[removed]"
# Fields holding codes, read as codes by the identity-number scan (`personal.find`).
CODE_FIELDS = frozenset(
    {"code", "procedure_code", "agency_code", "result_code", "population_db_code"}
)

MAX_CODE = 64
MAX_PROCEDURE = 32
MAX_AGENCY = 32
MAX_SHORT = 100
MAX_URL = 500
MAX_NAME = 500
MAX_LIST = 200
MAX_AMOUNT = 10**15  # VND; a fee list's sum stays far inside 64 bits
MAX_PROCESSING = 3650.0  # ten years of days; bounds the deadline computation too
YEAR_MIN, YEAR_MAX = 1990, 2100


@dataclass(slots=True)
class Document:
    name: str
    digitised: bool
    from_personal_store: bool


@dataclass(slots=True)
class Fee:
    name: str
    amount: int


@dataclass(slots=True)
class Petition:
    received_at: datetime
    handled_at: datetime | None
    disliked: bool
    recomplained: bool


@dataclass(slots=True)
class DossierRecord:
    """One valid record; datetimes are aware. `missing` names the EXPECTED fields left out."""

    code: str
    procedure_code: str
    agency_code: str
    received_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    processing_value: float | None
    processing_unit: str
    channel: int
    filed_on_dvcqg: bool
    status_history: list[tuple[str, datetime]]
    result_code: str
    result_file_url: str
    has_digitised_component: bool
    documents: list[Document]
    vneid_authenticated: bool
    population_db_code: str
    fees: list[Fee]
    paid_online: int
    synced_to_dvcqg: bool
    rating: int | None
    petitions: list[Petition]
    missing: tuple[str, ...]


# --- personal data --------------------------------------------------------------------------

_FOLD = re.compile(r"[^a-z0-9]")


_KEY_CACHE: dict[str, bool] = {}


def is_personal_key(key: str) -> bool:
    """Whether a key names personal data (any case, with or without separators)."""
    known = _KEY_CACHE.get(key)
    if known is not None:
        return known
    folded = _FOLD.sub("", key.lower())
    found = folded in PII_KEYS or any(part in folded for part in PII_PARTS)
    if len(_KEY_CACHE) < 10_000:
        _KEY_CACHE[key] = found
    return found


def _extra_keys(
    entry: dict[str, Any], allowed: frozenset[str], where: str, errors: list[str]
) -> None:
    """Keys beyond those the format names are refused; one naming personal data (or holding
    keys that do) is refused as such."""
    if entry.keys() <= allowed:
        return
    for key in sorted(entry.keys() - allowed, key=str):
        found = personal_paths({key: entry[key]}, where)
        if found:
            errors.extend(
                f"{path}: personal data is not accepted (Decree 13/2023)" for path in found
            )
        else:
            errors.append(f"{where}.{personal.mask(str(key))}: is not a field of {SCHEMA}")


def identity_errors(raw: Any, where: str) -> list[str]:
    """An error for every string of `raw` (keys too, at any depth) holding an identity number
    (`personal.find`), with its path; values under keys naming personal data are refused as
    such already."""
    return [
        f"{path}: {personal.message(kind)}"
        for path, kind in personal.paths(raw, where, skip=is_personal_key, codes=CODE_FIELDS)
    ]


def personal_paths(value: Any, path: str) -> list[str]:
    """Paths of every key naming personal data in `value`, at any depth."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                here = f"{where}.{key}"
                if isinstance(key, str) and is_personal_key(key):
                    found.append(here)
                elif isinstance(inner, dict | list):
                    stack.append((inner, here))
        elif isinstance(item, list):
            for index, inner in enumerate(item):
                if isinstance(inner, dict | list):
                    stack.append((inner, f"{where}[{index}]"))
    return sorted(found)


_SURROGATE = re.compile("[\ud800-\udfff\x00]")


def storable(text: str) -> bool:
    """Text PostgreSQL can hold as UTF-8: no NUL, no lone surrogate."""
    return "\x00" not in text and (text.isascii() or _SURROGATE.search(text) is None)


def in_years(moment: datetime) -> bool:
    """A date and time within the years a record may name."""
    return YEAR_MIN <= moment.year <= YEAR_MAX


def _clean_text(text: str) -> str:
    # NUL and lone surrogates cannot be stored (PostgreSQL, UTF-8); they are replaced.
    return _SURROGATE.sub("\ufffd", text)


# The format's numbers that may be large: kept as sent in quarantine (an amount of 500,000,000
# VND is not a phone number that lost its leading zero). Channel, payment and rating are 0–5:
# a large number there is judged as any other.
_NUMBER_KEYS = frozenset({"amount", "value"})


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of `value` fit to keep: the values of keys naming personal data replaced with
    "[removed]", and so is every identity number in a string (keys too; `personal.mask`) or
    a whole number that is one once its leading zero is restored (unless its key is one of
    the format's numbers); text that cannot be stored (NUL, lone surrogates) replaced, nesting
    cut at 20 levels."""
    if depth > 20:
        return REMOVED
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        for key, inner in value.items():
            name = _clean_text(personal.mask(str(key)))
            while name in kept:  # two keys masked alike stay two
                name += "'"
            if is_personal_key(str(key)):
                kept[name] = REMOVED
            elif key in _NUMBER_KEYS and type(inner) is int:
                kept[name] = inner  # an amount, a channel: a number where one belongs
            elif key in CODE_FIELDS and type(inner) is str:
                kept[name] = _clean_text(personal.mask(inner, code=True))
            else:
                kept[name] = redact(inner, depth + 1)
        return kept
    if isinstance(value, list):
        return [redact(inner, depth + 1) for inner in value]
    if isinstance(value, str):
        return _clean_text(personal.mask(value))
    if type(value) is int and personal.find_number(value) is not None:
        return REMOVED
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


# --- scalars ----------------------------------------------------------------------------------


def _text(value: Any, where: str, limit: int, errors: list[str], *, empty: bool = True) -> str:
    if type(value) is not str:
        errors.append(f"{where}: must be a string")
        return ""
    if len(value) > limit:
        errors.append(f"{where}: must be at most {limit} characters")
        return ""
    if not empty and not value.strip():
        errors.append(f"{where}: must not be empty")
        return ""
    if not storable(value):
        errors.append(f"{where}: must not contain NUL or unpaired surrogate characters")
        return ""
    return value


def _optional_text(value: Any, where: str, limit: int, errors: list[str]) -> str:
    if value is None:
        return ""
    return _text(value, where, limit, errors)


def parse_moment(text: str) -> datetime:
    """An RFC 3339 date and time (the profile of ISO 8601 that OpenAPI's `date-time` names),
    read by msgspec's parser: the very one the fast path decodes with, so that both paths
    read every moment alike. Naive times parse here and are refused by the callers."""
    try:
        return _convert(text, datetime)
    except msgspec.ValidationError as exc:
        raise ValueError(str(exc)) from None


def _moment(value: Any, where: str, errors: list[str]) -> datetime | None:
    if type(value) is not str:
        errors.append(f"{where}: must be an ISO 8601 date and time with offset")
        return None
    try:
        moment = parse_moment(value)
    except ValueError:
        errors.append(f"{where}: must be an ISO 8601 date and time with offset")
        return None
    if moment.tzinfo is None:
        errors.append(f"{where}: must have a UTC offset, such as +07:00")
        return None
    if not in_years(moment):
        errors.append(f"{where}: year must be between {YEAR_MIN} and {YEAR_MAX}")
        return None
    return moment


def _optional_moment(value: Any, where: str, errors: list[str]) -> datetime | None:
    if value is None:
        return None
    return _moment(value, where, errors)


def _flag(value: Any, where: str, errors: list[str]) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    errors.append(f"{where}: must be true or false")
    return False


def _choice(value: Any, where: str, allowed: tuple[int, ...], errors: list[str]) -> int:
    if type(value) is int and value in allowed:
        return value
    errors.append(f"{where}: must be one of {', '.join(map(str, allowed))}")
    return allowed[0]


def _list(value: Any, where: str, errors: list[str]) -> list[Any]:
    if value is None:
        return []
    if type(value) is not list:
        errors.append(f"{where}: must be a list")
        return []
    if len(value) > MAX_LIST:
        errors.append(f"{where}: must have at most {MAX_LIST} items")
        return []
    return value


def _entry(value: Any, where: str, errors: list[str]) -> dict[str, Any] | None:
    if type(value) is not dict:
        errors.append(f"{where}: must be an object")
        return None
    return value


# --- nested lists ---------------------------------------------------------------------------

_HISTORY_KEYS = frozenset({"status", "at"})
_DOCUMENT_KEYS = frozenset({"name", "digitised", "from_personal_store"})
_FEE_KEYS = frozenset({"name", "amount"})
_PETITION_KEYS = frozenset({"received_at", "handled_at", "disliked", "recomplained"})
_PROCESSING_KEYS = frozenset({"value", "unit"})


def _history(value: Any, where: str, errors: list[str]) -> list[tuple[str, datetime]]:
    history = []
    for index, item in enumerate(_list(value, where, errors)):
        here = f"{where}[{index}]"
        entry = _entry(item, here, errors)
        if entry is None:
            continue
        _extra_keys(entry, _HISTORY_KEYS, here, errors)
        status = entry.get("status")
        if type(status) is not str or status not in STATUSES:
            errors.append(f"{here}.status: must be one of {', '.join(sorted(STATUSES))}")
            continue
        moment = _moment(entry.get("at"), f"{here}.at", errors)
        if moment is not None:
            history.append((status, moment))
    return history


def _documents(value: Any, where: str, errors: list[str]) -> list[Document]:
    documents = []
    for index, item in enumerate(_list(value, where, errors)):
        here = f"{where}[{index}]"
        entry = _entry(item, here, errors)
        if entry is None:
            continue
        _extra_keys(entry, _DOCUMENT_KEYS, here, errors)
        documents.append(
            Document(
                name=_optional_text(entry.get("name"), f"{here}.name", MAX_NAME, errors),
                digitised=_flag(entry.get("digitised"), f"{here}.digitised", errors),
                from_personal_store=_flag(
                    entry.get("from_personal_store"), f"{here}.from_personal_store", errors
                ),
            )
        )
    return documents


def _fees(value: Any, where: str, errors: list[str]) -> list[Fee]:
    fees = []
    for index, item in enumerate(_list(value, where, errors)):
        here = f"{where}[{index}]"
        entry = _entry(item, here, errors)
        if entry is None:
            continue
        _extra_keys(entry, _FEE_KEYS, here, errors)
        amount = entry.get("amount")
        if type(amount) is not int:
            errors.append(f"{here}.amount: must be a whole number of VND")
            amount = 0
        elif amount < 0:
            errors.append(f"{here}.amount: must be ≥ 0")
        elif amount > MAX_AMOUNT:
            errors.append(f"{here}.amount: must be ≤ {MAX_AMOUNT}")
        name = _optional_text(entry.get("name"), f"{here}.name", MAX_NAME, errors)
        fees.append(Fee(name=name, amount=amount))
    return fees


def _petitions(value: Any, where: str, errors: list[str]) -> list[Petition]:
    petitions = []
    for index, item in enumerate(_list(value, where, errors)):
        here = f"{where}[{index}]"
        entry = _entry(item, here, errors)
        if entry is None:
            continue
        _extra_keys(entry, _PETITION_KEYS, here, errors)
        received = _moment(entry.get("received_at"), f"{here}.received_at", errors)
        handled = _optional_moment(entry.get("handled_at"), f"{here}.handled_at", errors)
        disliked = _flag(entry.get("disliked"), f"{here}.disliked", errors)
        recomplained = _flag(entry.get("recomplained"), f"{here}.recomplained", errors)
        if received is not None:
            petitions.append(Petition(received, handled, disliked, recomplained))
    return petitions


def _processing_time(value: Any, where: str, errors: list[str]) -> tuple[float | None, str]:
    if value is None:
        return None, ""
    entry = _entry(value, where, errors)
    if entry is None:
        return None, ""
    _extra_keys(entry, _PROCESSING_KEYS, where, errors)
    amount = entry.get("value")
    unit = entry.get("unit")
    result: float | None = None
    if type(amount) is not int and type(amount) is not float:
        errors.append(f"{where}.value: must be a number")
    elif not 0 <= amount <= MAX_PROCESSING:  # NaN fails both comparisons
        errors.append(f"{where}.value: must be between 0 and {MAX_PROCESSING:g}")
    else:
        result = float(amount)
    if type(unit) is not str or unit not in UNITS:
        errors.append(f"{where}.unit: must be one of {', '.join(sorted(UNITS))}")
        return None, ""
    return result, unit


# --- the fast path -------------------------------------------------------------------------
# msgspec Structs of the format, strict (no "1" for 1, no true for 1), refusing unknown keys (so
# the personal-data walk of unknown keys stays in the precise path), built from the same limits
# and enumerations (`Status`, `Unit`, …) as the precise path. Datetimes are read by msgspec's
# RFC 3339 parser, the one `parse_moment` uses on the precise path; what a Struct cannot say
# (`in_years`, `storable`, blank codes) is checked by `fast_checks` with the precise path's own
# predicates. `decode_fast` reads one record straight from its JSON bytes (no dict in between);
# `record_of` gives the `DossierRecord` the precise path would build, from which ingestion builds
# the row (`rows.to_row`), whichever path validated it.

_When = Annotated[datetime, Meta(tz=True)]
_Code = Annotated[str, Meta(max_length=MAX_CODE)]
_Procedure = Annotated[str, Meta(max_length=MAX_PROCEDURE)]
_AgencyCode = Annotated[str, Meta(max_length=MAX_AGENCY)]
_Short = Annotated[str, Meta(max_length=MAX_SHORT)]
_Url = Annotated[str, Meta(max_length=MAX_URL)]
_Name = Annotated[str, Meta(max_length=MAX_NAME)]


class FastHistory(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    status: Status
    at: _When


class FastDocument(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    name: _Name | None = None
    digitised: bool | None = None
    from_personal_store: bool | None = None


class FastFee(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    amount: Annotated[int, Meta(ge=0, le=MAX_AMOUNT)]
    name: _Name | None = None


class FastPetition(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    received_at: _When
    handled_at: _When | None = None
    disliked: bool | None = None
    recomplained: bool | None = None


class FastProcessing(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    value: Annotated[float, Meta(ge=0, le=MAX_PROCESSING)]
    unit: Unit


class FastRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A well-formed record as decoded (None where the sender left a field out)."""

    code: _Code
    procedure_code: _Procedure
    agency_code: _AgencyCode
    received_at: _When
    updated_at: _When
    submitted_at: _When | None = None
    due_at: _When | None = None
    finished_at: _When | None = None
    processing_time: FastProcessing | None = None
    channel: Channel | None = None
    status_history: Annotated[list[FastHistory], Meta(max_length=MAX_LIST)] | None = None
    filed_on_dvcqg: bool | None = None
    synced_to_dvcqg: bool | None = None
    paid_online: PaidOnline | None = None
    result_code: _Short | None = None
    result_file_url: _Url | None = None
    has_digitised_component: bool | None = None
    documents: Annotated[list[FastDocument], Meta(max_length=MAX_LIST)] | None = None
    vneid_authenticated: bool | None = None
    population_db_code: _Code | None = None
    fees: Annotated[list[FastFee], Meta(max_length=MAX_LIST)] | None = None
    rating: Rating | None = None
    petitions: Annotated[list[FastPetition], Meta(max_length=MAX_LIST)] | None = None


_convert = msgspec.convert
_decode_record = msgspec.json.Decoder(FastRecord).decode
_FAST_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError, RecursionError)


def _year_ok(moment: datetime | None) -> bool:
    return moment is None or in_years(moment)


def _text_ok(value: str | None) -> bool:
    """Storable text: no NUL, no lone surrogate (msgspec refuses the latter when decoding
    bytes, not when converting a dict)."""
    return value is None or storable(value)


def fast_checks(fast: FastRecord, *, text: bool = True) -> bool:
    """What the Structs cannot say: non-blank codes, storable text, years in bounds.

    `text=False` when the record was decoded from its JSON text and that text had no NUL
    escape: msgspec itself refuses lone surrogates and raw control characters there, so every
    string is already storable."""
    code, procedure_code, agency_code = fast.code, fast.procedure_code, fast.agency_code
    if not (code.strip() and procedure_code.strip() and agency_code.strip()):
        return False
    if text and not _texts_ok(fast):
        return False
    if not _identity_free(fast):
        return False
    if not (
        _year_ok(fast.received_at)
        and _year_ok(fast.updated_at)
        and _year_ok(fast.submitted_at)
        and _year_ok(fast.due_at)
        and _year_ok(fast.finished_at)
    ):
        return False
    for entry in fast.status_history or ():
        if not in_years(entry.at):
            return False
    for petition in fast.petitions or ():
        if not (_year_ok(petition.received_at) and _year_ok(petition.handled_at)):
            return False
    return True


def _texts_ok(fast: FastRecord) -> bool:
    code, procedure_code, agency_code = fast.code, fast.procedure_code, fast.agency_code
    if not (
        _text_ok(code)
        and _text_ok(procedure_code)
        and _text_ok(agency_code)
        and _text_ok(fast.result_code)
        and _text_ok(fast.result_file_url)
        and _text_ok(fast.population_db_code)
    ):
        return False
    for document in fast.documents or ():
        if not _text_ok(document.name):
            return False
    return all(_text_ok(fee.name) for fee in fast.fees or ())


def _identity_free(fast: FastRecord) -> bool:
    """No identity number in any string of the record (`personal.find`): its codes, then its
    other text, each joined by NUL, which no string holds here and which neither joins nor
    touches a number (one search each instead of one per string)."""
    find = personal.find
    codes = [fast.code, fast.procedure_code, fast.agency_code]
    if fast.result_code:
        codes.append(fast.result_code)
    if fast.population_db_code:
        codes.append(fast.population_db_code)
    if find("\x00".join(codes), code=True) is not None:
        return False
    text = [fast.result_file_url] if fast.result_file_url else []
    for document in fast.documents or ():
        if document.name:
            text.append(document.name)
    for fee in fast.fees or ():
        if fee.name:
            text.append(fee.name)
    return not text or find("\x00".join(text)) is None


_NUL_ESCAPE = b"\\u0000"  # the only way JSON text can carry a NUL character
_NUL_ESCAPE_TEXT = _NUL_ESCAPE.decode()


def decode_fast(raw: msgspec.Raw | bytes | str) -> FastRecord | None:
    """One record's JSON text, decoded and checked; None sends it to the precise path."""
    if isinstance(raw, str):
        if _NUL_ESCAPE_TEXT in raw:
            return None
    elif _NUL_ESCAPE in bytes(raw):  # a Raw is a buffer: bytes() copies it (~0.1 µs)
        return None
    try:
        fast = _decode_record(raw)
    except _FAST_ERRORS:
        return None
    return fast if fast_checks(fast, text=False) else None


def fast_missing(fast: FastRecord) -> tuple[str, ...]:
    """The EXPECTED fields the record leaves out (or sends as null)."""
    values = _expected_of(fast)
    if None not in values:  # the common case, without a generator per record
        return ()
    return tuple(key for key, value in zip(EXPECTED, values, strict=True) if value is None)


_expected_of = attrgetter(*EXPECTED)


def fast_struct(raw: dict[str, Any]) -> FastRecord | None:
    """A decoded record as the fast path's Struct, when it is well formed (most are); None
    sends it to `validate_precise`."""
    try:
        fast = _convert(raw, FastRecord, strict=True)
    except _FAST_ERRORS:
        # ValueError: a lone surrogate in a field msgspec encodes (UnicodeEncodeError).
        return None
    return fast if fast_checks(fast) else None


def fast_check(raw: dict[str, Any]) -> DossierRecord | None:
    """The record, when it is well formed (most are); None sends it to `validate_precise`."""
    fast = fast_struct(raw)
    return None if fast is None else record_of(fast)


def _plain(value: str | None) -> str:
    return "" if value is None else value


def record_of(fast: FastRecord) -> DossierRecord:
    """The record a fast-path Struct stands for (what `validate_precise` builds: tested)."""
    timing = fast.processing_time
    return DossierRecord(
        code=fast.code,
        procedure_code=fast.procedure_code,
        agency_code=fast.agency_code,
        received_at=fast.received_at,
        updated_at=fast.updated_at,
        submitted_at=fast.submitted_at,
        due_at=fast.due_at,
        finished_at=fast.finished_at,
        processing_value=None if timing is None else timing.value,
        processing_unit="" if timing is None else timing.unit,
        channel=1 if fast.channel is None else fast.channel,
        filed_on_dvcqg=fast.filed_on_dvcqg is True,
        status_history=[(h.status, h.at) for h in fast.status_history or ()],
        result_code=_plain(fast.result_code),
        result_file_url=_plain(fast.result_file_url),
        has_digitised_component=fast.has_digitised_component is True,
        documents=[
            Document(_plain(d.name), d.digitised is True, d.from_personal_store is True)
            for d in fast.documents or ()
        ],
        vneid_authenticated=fast.vneid_authenticated is True,
        population_db_code=_plain(fast.population_db_code),
        fees=[Fee(_plain(f.name), f.amount) for f in fast.fees or ()],
        paid_online=0 if fast.paid_online is None else fast.paid_online,
        synced_to_dvcqg=fast.synced_to_dvcqg is True,
        rating=fast.rating,
        petitions=[
            Petition(p.received_at, p.handled_at, p.disliked is True, p.recomplained is True)
            for p in fast.petitions or ()
        ],
        missing=fast_missing(fast),
    )


def struct_of(record: DossierRecord) -> FastRecord:
    """The fast path's Struct of a record the precise path validated: what ingestion builds
    the row from (`rows.to_row`) whichever path validated the record. Values only move;
    `record_of` is its inverse (tested)."""
    return FastRecord(
        code=record.code,
        procedure_code=record.procedure_code,
        agency_code=record.agency_code,
        received_at=record.received_at,
        updated_at=record.updated_at,
        submitted_at=record.submitted_at,
        due_at=record.due_at,
        finished_at=record.finished_at,
        processing_time=(
            None
            if record.processing_value is None
            else FastProcessing(record.processing_value, record.processing_unit)  # type: ignore[arg-type]
        ),
        channel=record.channel,  # type: ignore[arg-type]
        status_history=[FastHistory(status, at) for status, at in record.status_history],  # type: ignore[arg-type]
        filed_on_dvcqg=record.filed_on_dvcqg,
        synced_to_dvcqg=record.synced_to_dvcqg,
        paid_online=record.paid_online,  # type: ignore[arg-type]
        result_code=record.result_code,
        result_file_url=record.result_file_url,
        has_digitised_component=record.has_digitised_component,
        documents=[
            FastDocument(d.name, d.digitised, d.from_personal_store) for d in record.documents
        ],
        vneid_authenticated=record.vneid_authenticated,
        population_db_code=record.population_db_code,
        fees=[FastFee(f.amount, f.name) for f in record.fees],
        rating=record.rating,  # type: ignore[arg-type]
        petitions=[
            FastPetition(p.received_at, p.handled_at, p.disliked, p.recomplained)
            for p in record.petitions
        ],
    )


# --- the record -------------------------------------------------------------------------------


def validate(raw: Any, where: str = "record") -> tuple[DossierRecord | None, list[str]]:
    """One record: the typed value and no errors, or None and every error found.

    The fast path (`fast_check`, msgspec) accepts the well-formed records; whatever it does
    not accept goes through `validate_precise`, which finds every error with its path. The fast
    path only accepts what the precise one accepts, and builds the same record (tested).
    """
    if type(raw) is dict:
        record = fast_check(raw)
        if record is not None:
            return record, []
    return validate_precise(raw, where)


def validate_precise(raw: Any, where: str = "record") -> tuple[DossierRecord | None, list[str]]:
    """The hand-written validator: every error of a record with its path."""
    if type(raw) is not dict:
        return None, [f"{where}: must be an object"]
    errors: list[str] = []
    _extra_keys(raw, FIELDS, where, errors)
    get = raw.get
    missing = tuple(key for key in EXPECTED if get(key) is None)
    required = [get(key) for key in REQUIRED]
    for key, value in zip(REQUIRED, required, strict=True):
        if value is None:
            errors.append(f"{where}.{key}: is required")
    code_value, procedure_value, agency_value, received_value, updated_value = required
    code = procedure_code = agency_code = ""
    received_at = updated_at = None
    if code_value is not None:
        code = _text(code_value, f"{where}.code", MAX_CODE, errors, empty=False)
    if procedure_value is not None:
        procedure_code = _text(
            procedure_value, f"{where}.procedure_code", MAX_PROCEDURE, errors, empty=False
        )
    if agency_value is not None:
        agency_code = _text(agency_value, f"{where}.agency_code", MAX_AGENCY, errors, empty=False)
    if received_value is not None:
        received_at = _moment(received_value, f"{where}.received_at", errors)
    if updated_value is not None:
        updated_at = _moment(updated_value, f"{where}.updated_at", errors)
    submitted_at = _optional_moment(get("submitted_at"), f"{where}.submitted_at", errors)
    due_at = _optional_moment(get("due_at"), f"{where}.due_at", errors)
    finished_at = _optional_moment(get("finished_at"), f"{where}.finished_at", errors)
    processing_value, processing_unit = _processing_time(
        get("processing_time"), f"{where}.processing_time", errors
    )
    channel_value = get("channel")
    channel = 1
    if channel_value is not None:
        channel = _choice(channel_value, f"{where}.channel", CHANNELS, errors)
    paid_value = get("paid_online")
    paid_online = (
        0
        if paid_value is None
        else _choice(paid_value, f"{where}.paid_online", PAID_ONLINE, errors)
    )
    rating_value = get("rating")
    rating = (
        None if rating_value is None else _choice(rating_value, f"{where}.rating", RATINGS, errors)
    )
    record = DossierRecord(
        code=code,
        procedure_code=procedure_code,
        agency_code=agency_code,
        received_at=received_at,  # type: ignore[arg-type]  # checked below
        updated_at=updated_at,  # type: ignore[arg-type]
        submitted_at=submitted_at,
        due_at=due_at,
        finished_at=finished_at,
        processing_value=processing_value,
        processing_unit=processing_unit,
        channel=channel,
        filed_on_dvcqg=_flag(get("filed_on_dvcqg"), f"{where}.filed_on_dvcqg", errors),
        status_history=_history(get("status_history"), f"{where}.status_history", errors),
        result_code=_optional_text(get("result_code"), f"{where}.result_code", MAX_SHORT, errors),
        result_file_url=_optional_text(
            get("result_file_url"), f"{where}.result_file_url", MAX_URL, errors
        ),
        has_digitised_component=_flag(
            get("has_digitised_component"), f"{where}.has_digitised_component", errors
        ),
        documents=_documents(get("documents"), f"{where}.documents", errors),
        vneid_authenticated=_flag(
            get("vneid_authenticated"), f"{where}.vneid_authenticated", errors
        ),
        population_db_code=_optional_text(
            get("population_db_code"), f"{where}.population_db_code", MAX_CODE, errors
        ),
        fees=_fees(get("fees"), f"{where}.fees", errors),
        paid_online=paid_online,
        synced_to_dvcqg=_flag(get("synced_to_dvcqg"), f"{where}.synced_to_dvcqg", errors),
        rating=rating,
        petitions=_petitions(get("petitions"), f"{where}.petitions", errors),
        missing=missing,
    )
    errors.extend(identity_errors(raw, where))
    if errors:
        return None, errors
    return record, []


def missing_required(raw: dict[str, Any]) -> tuple[str, ...]:
    """The required fields `raw` lacks (null counts as missing)."""
    return tuple(key for key in REQUIRED if raw.get(key) is None)


def error_field(error: str) -> str:
    """The top-level field an error is about ("records[3].fees[0].amount: …" → "fees")."""
    path = error.split(":", 1)[0]
    parts = path.split(".")
    if len(parts) < 2:
        return ""
    return parts[1].split("[", 1)[0]


# --- CSV ------------------------------------------------------------------------------------

CSV_BEYOND_HEADER = "(cells beyond the header)"
_CSV_JSON = frozenset({"status_history", "documents", "fees", "petitions", "processing_time"})
_CSV_INT = frozenset({"channel", "paid_online", "rating"})
_CSV_BOOL = frozenset(
    {
        "filed_on_dvcqg",
        "has_digitised_component",
        "vneid_authenticated",
        "synced_to_dvcqg",
    }
)
_TRUE = frozenset({"true", "1", "yes", "TRUE", "True"})
_FALSE = frozenset({"false", "0", "no", "FALSE", "False"})


def from_csv_row(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A CSV row (every cell text) as the JSON record it stands for.

    Empty cells are missing values; nested lists and `processing_time` are JSON in their
    cell; whole numbers and true/false are read as such. A cell that does not convert is
    passed on as text, so validate() reports it with its path.
    """
    record: dict[str, Any] = {}
    for key, cell in row.items():
        if key is None:
            # Cells beyond the header (csv puts them under None): refused as a key the format
            # does not name, not dropped (issue 17); empty ones are a trailing comma.
            beyond = [extra for extra in cell or () if extra]
            if beyond:
                record[CSV_BEYOND_HEADER] = beyond
            continue
        if not isinstance(cell, str):
            continue
        if cell == "":
            continue
        if key in _CSV_JSON:
            try:
                record[key] = json.loads(cell)
            except (ValueError, RecursionError):
                record[key] = cell
        elif key in _CSV_INT:
            record[key] = int(cell) if cell.isascii() and cell.isdigit() and len(cell) < 6 else cell
        elif key in _CSV_BOOL:
            record[key] = True if cell in _TRUE else False if cell in _FALSE else cell
        else:
            record[key] = cell
    return record
