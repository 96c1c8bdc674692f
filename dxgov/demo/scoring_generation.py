"""`dxgov generate dossiers`: the database side of the pure generator (dxgov.demo.dossiers).

Reads the current agencies, hands them to the generator as plain records, and writes the
records as NDJSON (optionally gzip), one file per source, or ingests them through the
dossiers app's ingestion action (validation, quarantine, audit and incremental scoring
included; never around it).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from dxgov.demo import dossiers as generate
from dxgov.demo.dossiers import AgencyRef
from dxgov.orgunits.models import Agency, AgencyKind


class NoAgencies(Exception):
    """The agency tree is not loaded (run `dxgov orgs load` or `dxgov demo` first)."""


def agency_refs(
    provinces: Iterable[str] | None = None, *, ministries: bool = True
) -> list[AgencyRef]:
    """The current implementing agencies as generator records: ministries, provinces'
    People's Committees, their departments and commune People's Committees."""
    wanted = set(provinces or ())
    refs: list[AgencyRef] = []
    rows = (
        Agency.objects.current()
        .exclude(kind=AgencyKind.GOVERNMENT)
        .values_list("code", "kind", "path")
        .order_by("path")
    )
    for code, kind, path in rows:
        parts = [part for part in path.split("/") if part]
        if kind == AgencyKind.MINISTRY:
            if ministries and not wanted:
                refs.append(AgencyRef(code, "ministry"))
            continue
        if len(parts) < 2 or not parts[1].startswith("UBND-T"):
            continue
        province = parts[1].removeprefix("UBND-T")
        if wanted and province not in wanted:
            continue
        if kind == AgencyKind.DEPARTMENT:
            refs.append(AgencyRef(code, "department", province))
        elif code == parts[1]:
            refs.append(AgencyRef(code, "province", province))
        elif code.startswith("UBND-X"):
            refs.append(AgencyRef(code, "commune", province))
    if not refs:
        raise NoAgencies("No agencies: load the unit registry first (dxgov orgs load).")
    return refs


def _open(path: Path | str, compress: bool) -> IO[bytes]:
    if str(path) == "-":
        import sys

        stream: IO[bytes] = sys.stdout.buffer
        if compress:
            return cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="wb"))
        return stream
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if compress:
        return cast(IO[bytes], gzip.open(target, "wb"))
    return target.open("wb")


def ndjson_lines(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def write(
    pairs: Iterable[tuple[str, dict[str, Any]]],
    *,
    output: str | None,
    by_source: Path | None,
    compress: bool,
) -> dict[str, int]:
    """Write records to one NDJSON stream (`output`, '-' for stdout) or one file per source."""
    counts: dict[str, int] = {}
    handles: dict[str, IO[bytes]] = {}
    single = _open(output, compress) if output else None
    try:
        for source, record in pairs:
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            if by_source is not None:
                handle = handles.get(source)
                if handle is None:
                    name = f"{source}.ndjson" + (".gz" if compress else "")
                    handle = handles[source] = _open(by_source / name, compress)
                handle.write(line)
            if single is not None:
                single.write(line)
            counts[source] = counts.get(source, 0) + 1
    finally:
        for handle in handles.values():
            handle.close()
        if single is not None and output != "-":
            single.close()
        elif single is not None:
            single.flush()
    return counts


def write_json(path: Path | str, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if str(path) == "-":
        import sys

        sys.stdout.write(text + "\n")
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text + "\n", encoding="utf-8")


def generated(
    *,
    year: int,
    scale: float,
    seed: int,
    until: date | None,
    months: Iterable[int] | None = None,
    provinces: Iterable[str] | None = None,
) -> tuple[
    list[generate.ProcedureRecord], list[generate.SourcePlan], Iterator[tuple[str, dict[str, Any]]]
]:
    refs = agency_refs(provinces, ministries=not provinces)
    procedures = generate.catalogue(seed)
    plans = generate.sources(refs, seed)
    pairs = generate.dossiers(
        refs, procedures, year=year, scale=scale, seed=seed, until=until, months=months
    )
    return procedures, plans, pairs


def to_buffer(records: Iterable[dict[str, Any]]) -> io.BytesIO:
    return io.BytesIO(b"".join(ndjson_lines(records)))


Progress = Callable[[str], None]
