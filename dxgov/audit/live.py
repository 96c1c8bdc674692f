"""Does the live data match the ledger? (`dxgov audit verify --state`, see ADR 20.)

For every audited model (audit.state) every live row's state is recomputed from its columns
and compared with what the ledger last recorded of it:

- a row whose latest event recorded another state was **changed** behind the ledger's back;
- a row no event names (or whose latest event recorded its deletion) was **inserted**;
- an object whose latest event recorded a state but whose row is gone was **deleted**;
- a row whose events all predate state recording is **unrecorded** (`dxgov audit baseline`
  once, after upgrading, takes the live state as the starting point).

Per-row models are read in primary-key order in chunks (keyset pagination), each chunk's
latest events in one query on the (target_type, target_id) index; the ledger's objects are
then read in target_id order, a chunk of distinct ids at a time, to find rows that are gone.
Grouped models (dossiers) are covered by their batches' events: each row's digest is
recomputed and compared with the digest the row was written with (which names an edited row),
and the rows' digests are summed by batch and compared with the sums the batches' events
recorded (which shows rows inserted, deleted or moved, and digests rewritten to match). Batches
that replaced one another's rows are compared together (a union-find over the batch ids).

Memory holds one chunk, the findings listed (at most MAX_LISTED of each kind per model; all
are counted) and, for a grouped model, one sum per batch: O(batches), not O(rows).
Everything is read in one snapshot (audit.snapshot), so writes meanwhile are not mistaken
for tampering.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q

from dxgov.audit import state
from dxgov.audit.models import AuditEvent
from dxgov.audit.snapshot import snapshot

CHUNK_SIZE = 5000
MAX_LISTED = 1000
KINDS = ("changed", "inserted", "deleted", "unrecorded", "group_changed")


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    target_type: str
    target_id: str
    seq: int | None  # the event that last recorded the object's state, if any
    detail: str

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id}: {self.kind}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "seq": self.seq,
            "detail": self.detail,
        }


@dataclass
class StateReport:
    rows: int = 0
    by_model: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.counts

    @property
    def problems(self) -> int:
        return sum(self.counts.values())

    def add(self, finding: Finding, times: int = 1) -> None:
        key = (finding.target_type, finding.kind)
        if self.counts[key] < MAX_LISTED:
            self.findings.append(finding)
        self.counts[key] += times

    def unlisted(self) -> dict[tuple[str, str], int]:
        """How many findings of each (model, kind) were counted but not listed."""
        listed = Counter((f.target_type, f.kind) for f in self.findings)
        return {key: n - listed[key] for key, n in self.counts.items() if n > listed[key]}


# --- the ledger's side ------------------------------------------------------------------------

Latest = tuple[int, bool, Any]  # (seq, whether it records a state, the state)


def _events() -> Any:
    has_state = ExpressionWrapper(Q(data__has_key="state"), output_field=BooleanField())
    return AuditEvent.objects.annotate(has_state=has_state)


def latest_states(target_type: str, keys: Sequence[str]) -> dict[str, Latest]:
    """The latest event of each of these objects: its seq and the state it recorded."""
    found: dict[str, Latest] = {}
    rows = (
        _events()
        .filter(target_type=target_type, target_id__in=list(keys))
        .order_by()
        .values_list("target_id", "seq", "has_state", "data__state")
    )
    for target_id, seq, has_state, recorded in rows:
        before = found.get(target_id)
        if before is None or seq > before[0]:
            found[target_id] = (seq, bool(has_state), recorded)
    return found


def _ledger_keys(target_type: str, chunk_size: int) -> Iterator[list[str]]:
    """The distinct target ids of a type, in order, a chunk at a time (index range scans)."""
    last: str | None = None
    while True:
        ids = AuditEvent.objects.filter(target_type=target_type).exclude(target_id="")
        if last is not None:
            ids = ids.filter(target_id__gt=last)
        chunk = list(
            ids.order_by("target_id").values_list("target_id", flat=True).distinct()[:chunk_size]
        )
        if chunk:
            yield chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1]


# --- per-row models ---------------------------------------------------------------------------


def rows_in_order(
    spec: state.Audited, columns: Sequence[str], chunk_size: int
) -> Iterator[list[Any]]:
    """The model's rows (pk first, then `columns`) in pk order, a chunk at a time."""
    plain = {f.attname for f in spec.model._meta.concrete_fields}
    pk = spec.model._meta.pk.attname
    own = [pk if c == "pk" else c for c in columns]
    if connection.vendor == "postgresql" and all(c in plain for c in own):
        yield from _rows_postgresql(spec, own, chunk_size)
        return
    last: Any = None
    manager = spec.model._default_manager
    while True:
        rows = manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows.values_list("pk", *columns)[:chunk_size])
        if chunk:
            yield chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1][0]


# What PostgreSQL hands the canonical form directly, instead of values that Django's and
# psycopg's Python loaders would build only to take apart again (at 10 M dossiers these loaders
# were most of the time): timestamps as UTC microseconds since 1970 (exact: EXTRACT gives a
# numeric), dates as ISO text, JSON as its text, decoded by orjson.
_EXPRESSIONS = {
    "DateTimeField": "(EXTRACT(EPOCH FROM {c}) * 1000000)::bigint",
    "DateField": "{c}::text",
    "JSONField": "{c}::text",
}


def _rows_postgresql(
    spec: state.Audited, columns: Sequence[str], chunk_size: int
) -> Iterator[list[Any]]:
    """rows_in_order by keyset pagination in SQL, the values already in canonical shape."""
    quote = connection.ops.quote_name
    kinds = state.column_kinds(spec, columns)
    select = ", ".join(
        _EXPRESSIONS.get(kind, "{c}").format(c=quote(name))
        for name, kind in zip(columns, kinds, strict=True)
    )
    json_at = [i + 1 for i, kind in enumerate(kinds) if kind == "JSONField"]
    pk = quote(spec.model._meta.pk.column)
    table = quote(spec.model._meta.db_table)
    query = f"SELECT {pk}, {select} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608
    first = f"SELECT {pk}, {select} FROM {table} ORDER BY {pk} LIMIT %s"  # noqa: S608
    last: Any = None
    loads = orjson.loads
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(first, [chunk_size])
            else:
                cursor.execute(query, [last, chunk_size])
            chunk = [list(row) for row in cursor.fetchall()]
        for row in chunk:
            for i in json_at:
                if row[i] is not None:
                    row[i] = loads(row[i])
        if chunk:
            yield chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1][0]


def check_rows(spec: state.Audited, report: StateReport, chunk_size: int = CHUNK_SIZE) -> None:
    """Every live row of a per-row model against its latest event, then every object of the
    ledger against the live rows."""
    target_type = spec.target_type
    width = len(spec.key)
    count = 0
    for chunk in rows_in_order(spec, (*spec.key, *spec.fields), chunk_size):
        keys = [state.key_of(row[1 : 1 + width]) for row in chunk]
        latest = latest_states(target_type, keys)
        for row, key in zip(chunk, keys, strict=True):
            count += 1
            finding = _compare(spec, key, latest.get(key), row[1 + width :])
            if finding is not None:
                report.add(finding)
    report.rows += count
    report.by_model[target_type] = count
    for keys in _ledger_keys(target_type, chunk_size):
        latest = latest_states(target_type, keys)
        recorded = [k for k in keys if latest[k][1] and latest[k][2] is not None]
        alive = state.present(spec, recorded)
        for key in recorded:
            if key not in alive:
                seq = latest[key][0]
                detail = f"event {seq} recorded it, but the row is gone"
                report.add(Finding("deleted", target_type, key, seq, detail))


def _compare(
    spec: state.Audited, key: str, latest: Latest | None, values: Sequence[Any]
) -> Finding | None:
    target_type = spec.target_type
    if latest is None:
        return Finding("inserted", target_type, key, None, "no event records this row")
    seq, has_state, recorded = latest
    if not has_state:
        detail = f"its latest event ({seq}) predates state recording: run `dxgov audit baseline`"
        return Finding("unrecorded", target_type, key, seq, detail)
    if recorded is None:
        return Finding("inserted", target_type, key, seq, f"event {seq} recorded its deletion")
    if state.digest(spec, values).hex() != recorded:
        detail = f"its content differs from the state event {seq} recorded"
        return Finding("changed", target_type, key, seq, detail)
    return None


# --- grouped models ---------------------------------------------------------------------------


class Groups:
    """What the ledger recorded of the batches of a grouped model: per batch, rows and digest
    sums added and removed; batches that replaced each other's rows joined (union-find)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.rows: defaultdict[int, int] = defaultdict(int)
        self.sums: defaultdict[int, int] = defaultdict(int)
        self.stated: dict[int, int] = {}  # batch → seq of its latest event with a state
        self.legacy: dict[int, int] = {}  # batch → seq of an event without one

    def find(self, node: int) -> int:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            root = self.parent[root]
        while node != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def add_event(self, group: int, seq: int, has_state: bool, recorded: Any) -> None:
        if not has_state or not isinstance(recorded, dict):
            self.legacy.setdefault(group, seq)
            return
        self.stated[group] = max(seq, self.stated.get(group, 0))
        self.find(group)
        self.rows[group] += int(recorded["rows"]) - int(recorded.get("removed_rows", 0))
        added = state.sum_from_hex(recorded["sum"])
        removed = state.sum_from_hex(recorded.get("removed_sum", state.EMPTY_SUM))
        self.sums[group] += added - removed
        for earlier in recorded.get("from", ()):
            self.union(group, int(earlier))

    def expected(self) -> dict[int, tuple[int, int, list[int]]]:
        """Per component (its root): rows and digest sum recorded, and its batches."""
        out: dict[int, tuple[int, int, list[int]]] = {}
        for group in self.parent:
            root = self.find(group)
            rows, total, members = out.get(root, (0, 0, []))
            members.append(group)
            out[root] = (rows + self.rows[group], total + self.sums[group], members)
        return out


def read_groups(group_type: str, chunk_size: int = CHUNK_SIZE) -> Groups:
    """Every batch event of a grouped model, in seq order (keyset pagination)."""
    groups = Groups()
    last = 0
    while True:
        chunk = list(
            _events()
            .filter(target_type=group_type, seq__gt=last)
            .order_by("seq")
            .values_list("target_id", "seq", "has_state", "data__state")[:chunk_size]
        )
        for target_id, seq, has_state, recorded in chunk:
            if target_id.isdigit():
                groups.add_event(int(target_id), seq, bool(has_state), recorded)
        if len(chunk) < chunk_size:
            return groups
        last = chunk[-1][1]


def check_groups(spec: state.Audited, report: StateReport, chunk_size: int = CHUNK_SIZE) -> None:
    """Every row of a grouped model against the digest it was written with, and the rows'
    digests summed by batch against the sums the ledger recorded."""
    grouped = spec.group
    assert grouped is not None
    target_type = spec.target_type
    groups = read_groups(grouped.group_type, chunk_size)
    live_rows: defaultdict[int, int] = defaultdict(int)
    live_sums: defaultdict[int, int] = defaultdict(int)
    unrecorded: Counter[int] = Counter()
    width = len(spec.key)
    columns = (grouped.pointer, grouped.column, *spec.key, *spec.fields)
    count = 0
    for chunk in rows_in_order(spec, columns, chunk_size):
        for row in chunk:
            count += 1
            group, written = row[1], row[2]
            key = state.key_of(row[3 : 3 + width])
            if group not in groups.stated:
                if group in groups.legacy:
                    unrecorded[group] += 1
                else:
                    detail = f"it names batch {group}, which no event records"
                    report.add(Finding("inserted", target_type, key, None, detail))
                continue
            now = state.digest(spec, row[3 + width :])
            recorded = bytes(written) if written is not None else None
            if recorded != now:
                seq = groups.stated[group]
                detail = f"its content differs from the state batch {group} wrote (event {seq})"
                report.add(Finding("changed", target_type, key, seq, detail))
            root = groups.find(group)
            live_rows[root] += 1
            live_sums[root] += state.element(recorded or now)
    report.rows += count
    report.by_model[target_type] = count
    for group, rows in sorted(unrecorded.items()):
        detail = (
            f"{rows} rows of batch {group} were written before states were kept: "
            "run `dxgov audit baseline`"
        )
        report.add(
            Finding("unrecorded", grouped.group_type, str(group), groups.legacy[group], detail),
            rows,
        )
    for root, (rows, total, members) in sorted(groups.expected().items()):
        modulus = state.SET_MODULUS
        if live_rows[root] == rows and live_sums[root] % modulus == total % modulus:
            continue
        report.add(_group_finding(grouped.group_type, groups, members, live_rows[root], rows))


def _group_finding(
    group_type: str, groups: Groups, members: list[int], live: int, recorded: int
) -> Finding:
    members = sorted(members)
    named = ", ".join(str(m) for m in members[:5])
    if len(members) > 5:
        named += f" (+{len(members) - 5})"
    seq = max((groups.stated.get(m, 0) for m in members), default=0) or None
    if live != recorded:
        detail = f"{live} rows now, {recorded} as the ledger recorded them"
    else:
        detail = f"{live} rows, but their recorded digests differ from what the ledger summed"
    return Finding("group_changed", group_type, named, seq, detail)


def rows_up_to(limit: int) -> int:
    """The audited live rows, counted no further than `limit` + 1 per model (a bounded count,
    so that a page can decide cheaply whether checking them per view is affordable)."""
    total = 0
    for spec in state.registered():
        total += spec.model._default_manager.all()[: limit + 1].count()
        if total > limit:
            break
    return total


def verify_state(chunk_size: int = CHUNK_SIZE) -> StateReport:
    """Every audited model's live rows against the ledger, in one snapshot."""
    report = StateReport()
    with snapshot():
        for spec in state.registered():
            if spec.group is None:
                check_rows(spec, report, chunk_size)
            else:
                check_groups(spec, report, chunk_size)
    return report
