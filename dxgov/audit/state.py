"""What the ledger records of the live rows: the registry of audited models and a row's state.

Each app declares its audited models in `<app>/audit_state.py` (imported by the audit app's
`ready()`, so that the audit app imports no domain app): the model, its audited columns, and
the key its events name it by (the events' `target_id`). A row's **state** is SHA-256 over a
canonical encoding of those columns (`digest`); `record()` stores it, read from the database
row as saved, in every event whose target is an audited row, and `audit.live` recomputes it
for every live row (see docs/adr/0020-live-state-in-the-ledger.md).

A model written in batches (dossiers: thousands of rows per COPY) is *grouped*: each row keeps
its own digest in a column and points to the batch that wrote its current version; the
batch's event records the order-independent sum (`element`, `add`) of the digests it wrote
and of those it replaced, so that the ledger covers every row without an event per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from django.db.models import Model, Q

STATE_FORMAT = b"dxgov.state.v1"
SET_FORMAT = b"dxgov.state.set.v1"
# The order-independent sum of a set of digests: each digest expanded to 4096 bits by
# SHAKE-256 and the expansions added modulo 2^4096 (AdHash). The width is what keeps the
# generalised-birthday attack (Wagner, 2002) on an additive hash out of reach (~2^128 work).
SET_BITS = 4096
SET_BYTES = SET_BITS // 8
SET_MODULUS = 1 << SET_BITS
EMPTY_SUM = "0" * (SET_BYTES * 2)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Grouped:
    """How a batch-written model is covered: `pointer` names the batch that wrote the row's
    current version, `column` holds the row's digest as written, `group_type` is the target
    type of the batch events that record the sums."""

    pointer: str
    column: str
    group_type: str
    name: Any = None  # what a person calls one batch (translatable)


@dataclass(frozen=True)
class Audited:
    """An audited model: its audited columns (attnames, e.g. "lead_agency_id") and the lookups
    whose values, joined by "/", are the `target_id` of its events ("pk" by default)."""

    model: type[Model]
    fields: tuple[str, ...]
    key: tuple[str, ...] = ("pk",)
    group: Grouped | None = None
    name: Any = None  # what a person calls one (translatable); the model's verbose name if None

    @property
    def target_type(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return str(self.name if self.name is not None else self.model._meta.verbose_name)


_registry: dict[str, Audited] = {}


def register(*specs: Audited) -> None:
    """Declare audited models (from `<app>/audit_state.py`); declaring one twice is harmless."""
    for spec in specs:
        _check(spec)
        _registry[spec.target_type] = spec


def registered() -> list[Audited]:
    """Every audited model, in a fixed order (by target type)."""
    return [_registry[name] for name in sorted(_registry)]


def for_target(target_type: str) -> Audited | None:
    """The per-row audited model whose events carry this target type (not a grouped one)."""
    spec = _registry.get(target_type)
    return spec if spec is not None and spec.group is None else None


def label_of(target_type: str) -> str:
    """What a person calls the object of a finding: an audited row, or a batch of them."""
    for spec in _registry.values():
        if spec.target_type == target_type:
            return spec.label
        if spec.group is not None and spec.group.group_type == target_type:
            return str(spec.group.name or target_type)
    return target_type


def _check(spec: Audited) -> None:
    names = {f.attname for f in spec.model._meta.concrete_fields}
    unknown = [name for name in spec.fields if name not in names]
    if unknown:
        raise ValueError(f"{spec.target_type}: no such columns {unknown}")
    if spec.group is not None and spec.group.column in spec.fields:
        raise ValueError(f"{spec.target_type}: the digest column cannot be audited itself")


# --- the canonical encoding -------------------------------------------------------------------


def _datetime(value: Any) -> Any:
    # Microseconds since 1970 in UTC: exact, whatever zone the value came in. A reader that
    # asked the database for that number already (audit.live on PostgreSQL) hands an int.
    if type(value) is int:
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def _date(value: Any) -> Any:
    # ISO 8601; a reader may hand the database's text of it already.
    return value if type(value) is str else value.isoformat()


def _json(value: Any) -> Any:
    # A JSON column arrives decoded from the database, or as its JSON text from a writer.
    if isinstance(value, bytes | bytearray | memoryview):
        return orjson.loads(bytes(value))
    return value


def _decimal(places: int) -> Callable[[Any], Any]:
    quantum = Decimal(1).scaleb(-places)
    return lambda value: format(Decimal(value).quantize(quantum), "f")


_BY_TYPE: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": _datetime,
    "DateField": _date,
    "FloatField": lambda value: repr(float(value)),
    "BooleanField": bool,
    "JSONField": _json,
    "CharField": str,
    "TextField": str,
}
_INTEGERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
    "OneToOneField",
}

_normalisers: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {}


def _normaliser(field: Any) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    if kind in _INTEGERS:
        return int
    if kind == "DecimalField":
        return _decimal(field.decimal_places)
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    raise ValueError(f"{field.model._meta.label}.{field.name}: no canonical form for {kind}")


def _columns(spec: Audited) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    found = _normalisers.get(spec.target_type)
    if found is None:
        by_attname = {f.attname: f for f in spec.model._meta.concrete_fields}
        found = tuple((name, _normaliser(by_attname[name])) for name in spec.fields)
        _normalisers[spec.target_type] = found
    return found


def column_kinds(spec: Audited, names: Sequence[str]) -> list[str]:
    """The Django internal type of each named column (attnames of the model's own table)."""
    by_attname = {f.attname: f for f in spec.model._meta.concrete_fields}
    return [by_attname[name].get_internal_type() for name in names]


def canonical(spec: Audited, values: Sequence[Any]) -> bytes:
    """The audited columns' values (in `spec.fields` order, as the database returns them or as a
    writer is about to store them) as canonical JSON: an object of column → normalised value
    (datetimes as UTC microseconds since 1970, dates ISO, decimals and floats as text), keys
    sorted at every level, no spaces, UTF-8."""
    body = {
        name: None if value is None else normalise(value)
        for (name, normalise), value in zip(_columns(spec), values, strict=True)
    }
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def digest(spec: Audited, values: Sequence[Any]) -> bytes:
    """SHA-256 of the row's state: format, model and canonical columns."""
    label = spec.target_type.encode()
    return hashlib.sha256(
        STATE_FORMAT + b"\x00" + label + b"\x00" + canonical(spec, values)
    ).digest()


def row_digest(spec: Audited, row: dict[str, Any]) -> bytes:
    """The digest of a row held as a dict of column → value (a batch writer's row)."""
    return digest(spec, [row[name] for name in spec.fields])


# --- order-independent sums of digests --------------------------------------------------------


def element(row_state: bytes) -> int:
    """A digest as an element of the additive set hash."""
    expanded = hashlib.shake_256(SET_FORMAT + b"\x00" + row_state).digest(SET_BYTES)
    return int.from_bytes(expanded, "big")


def add(total: int, row_state: bytes) -> int:
    return (total + element(row_state)) % SET_MODULUS


def sum_of(states: Iterable[bytes]) -> int:
    total = 0
    for row_state in states:
        total += element(row_state)
    return total % SET_MODULUS


def sum_hex(total: int) -> str:
    return format(total % SET_MODULUS, f"0{SET_BYTES * 2}x")


def sum_from_hex(text: str) -> int:
    return int(text, 16) % SET_MODULUS


# --- reading live rows ------------------------------------------------------------------------


def key_of(values: Sequence[Any]) -> str:
    return "/".join(str(value) for value in values)


# An OR of this many prefix groups at most per query: SQLite refuses an expression tree deeper
# than 1000, which a chunk of keys with as many prefixes (the demo's data values) passed.
PREFIXES_PER_QUERY = 200


def _key_filters(spec: Audited, keys: Sequence[str]) -> list[Q]:
    """Conditions selecting the rows with these keys, one per query: pk__in for a pk key, else
    grouped by all but the last part, at most PREFIXES_PER_QUERY groups each."""
    if spec.key == ("pk",):
        ids = [int(k) for k in keys if k.isdigit()]
        return [Q(pk__in=ids)] if ids else []
    parts = len(spec.key)
    by_prefix: dict[tuple[str, ...], list[str]] = {}
    for k in keys:
        split = k.rsplit("/", parts - 1)
        if len(split) == parts:
            by_prefix.setdefault(tuple(split[:-1]), []).append(split[-1])
    terms = [
        Q(**dict(zip(spec.key[:-1], prefix, strict=True)), **{f"{spec.key[-1]}__in": lasts})
        for prefix, lasts in by_prefix.items()
    ]
    conditions = []
    for start in range(0, len(terms), PREFIXES_PER_QUERY):
        condition = Q()
        for term in terms[start : start + PREFIXES_PER_QUERY]:
            condition |= term
        conditions.append(condition)
    return conditions


def read_rows(spec: Audited, keys: Sequence[str]) -> dict[str, bytes]:
    """The digest of each live row among these keys (a key without a row is left out)."""
    width = len(spec.key)
    found: dict[str, bytes] = {}
    for condition in _key_filters(spec, keys):
        rows = spec.model._default_manager.filter(condition).values_list(*spec.key, *spec.fields)
        for row in rows:
            found[key_of(row[:width])] = digest(spec, row[width:])
    return found


def present(spec: Audited, keys: Sequence[str]) -> set[str]:
    """Which of these keys have a live row."""
    found: set[str] = set()
    for condition in _key_filters(spec, keys):
        rows = spec.model._default_manager.filter(condition).values_list(*spec.key)
        found.update(key_of(row) for row in rows)
    return found


def states_of(spec: Audited, keys: Sequence[str]) -> dict[str, str | None]:
    """For record(): each key's state as an event stores it (hex), None when it has no row."""
    found = read_rows(spec, keys)
    return {k: (found[k].hex() if k in found else None) for k in keys}
