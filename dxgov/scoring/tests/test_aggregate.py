"""Counts in the database: SQL = the engine's pure facts; incremental = full recompute."""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest

from dxgov.core.calendar import TZ, statutory_calendar
from dxgov.demo import scoring as demo
from dxgov.demo.dossiers import catalogue, dossiers, sources
from dxgov.demo.scoring_generation import agency_refs
from dxgov.dossiers.models import Dossier, SourceSystem
from dxgov.scoring import aggregate, periods, qd766
from dxgov.scoring.models import MonthCounts, ProcedureUsage, Score
from dxgov.scoring.qd766 import COUNT_FIELDS, Counts

SEED = 11
UNTIL = date(2026, 3, 20)  # the last month is still running: open dossiers in it


def _generate(provinces: list[str], scale: float = 0.003) -> tuple[list[Any], list[Any], list[Any]]:
    refs = agency_refs(provinces, ministries=False)
    procs = catalogue(SEED)
    plans = sources(refs, SEED)
    pairs = list(
        dossiers(refs, procs, year=2026, scale=scale, seed=SEED, until=UNTIL, months=[1, 2, 3])
    )
    return procs, plans, pairs


def _ingest(procs: list[Any], plans: list[Any], pairs: list[Any], prefix: str) -> None:
    demo.ingest(procs, plans, pairs, batch=150, prefix=prefix)


def _snapshot() -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    cells = {
        (c["agency_id"], c["month"]): tuple(c[f] for f in COUNT_FIELDS)
        for c in MonthCounts.objects.values("agency_id", "month", *COUNT_FIELDS)
        if any(c[f] for f in COUNT_FIELDS)
    }
    usage = {
        (u.agency_id, u.month, u.procedure_code): (u.online_dossiers, u.online_payments)
        for u in ProcedureUsage.objects.all()
    }
    scores = {
        (s.agency_id, s.period_kind, s.period_start, s.ruleset): (s.total, s.counts)
        for s in Score.objects.all()
    }
    return cells, usage, scores


def _month(moment: str) -> date:
    local = datetime.fromisoformat(moment).astimezone(TZ)
    return date(local.year, local.month, 1)


@pytest.mark.django_db
def test_sql_counts_equal_the_engines_dossier_facts() -> None:
    procs, plans, pairs = _generate(["25"])
    # Petitions, a supplement left open and a dislike, so that every count is exercised.
    for index, (_source, record) in enumerate(pairs[:40]):
        if index % 3 == 0:
            record["petitions"] = [
                {
                    "received_at": record["received_at"],
                    "handled_at": None,
                    "disliked": index % 2 == 0,
                    "recomplained": False,
                }
            ]
        if index % 5 == 0:
            record["rating"] = 1
    _ingest(procs, plans, pairs, "facts")
    infos = {p.code: qd766.ProcedureInfo.from_mapping(p.to_wire()) for p in procs}
    agencies = dict(SourceSystem.objects.values_list("code", "owner__code"))
    ids = {code: i for code, i in Dossier.objects.values_list("code", "agency_id")}
    expected: dict[tuple[date, int], Counts] = defaultdict(Counts)
    calendar = statutory_calendar([2026, 2027])
    stored = 0
    for _source, record in pairs:
        if record.get("code") not in ids:
            continue  # quarantined (a deliberately incomplete record)
        stored += 1
        month = _month(record["received_at"])
        facts = qd766.dossier_facts(
            record,
            procedure=infos.get(record["procedure_code"]),
            as_of=periods.month_as_of(month),
            calendar=calendar,  # the statutory days: no day is configured here
        )
        expected[(month, ids[record["code"]])] += facts
    assert stored == Dossier.objects.count() > 100 and agencies
    for month in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        actual = aggregate.dossier_cells(month)
        wanted = {a: c for (m, a), c in expected.items() if m == month}
        assert actual == wanted
    totals = Counts.total(expected.values())
    assert totals.petitions > 0 and totals.dossiers_late > 0 and totals.dossiers_on_time > 0
    assert totals.dossiers_complained > 0 and totals.dossiers_paid_online > 0


@pytest.mark.django_db
def test_procedure_facts_equal_the_engines_per_procedure_sum() -> None:
    procs, plans, pairs = _generate(["25"])
    _ingest(procs, plans, pairs, "procs")
    units = aggregate.units()
    province = next(u for u in units.values() if u.code == "UBND-T25")
    facts = aggregate.ProcedureFacts(units, today=UNTIL)
    month = date(2026, 2, 1)
    facts.load_usage([month], None)
    online: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    for code, channel, fee_total, paid_online in Dossier.objects.filter(
        received_month=month
    ).values_list("procedure_code", "channel", "fee_total", "paid_online"):
        online[code] += channel == 2
        paid[code] += fee_total > 0 and paid_online in (1, 2)
    expected = Counts.total(
        qd766.procedure_facts(
            qd766.ProcedureInfo.from_mapping(p.to_wire()),
            period_start=month,
            period_end=periods.month_end(month),
            online_dossiers=online[p.code],
            online_payments=paid[p.code],
            calendar=statutory_calendar([2025, 2026, 2027]),
        )
        for p in procs
        if p.level in ("province", "commune")
    )
    assert Counts(*facts.vector(province, month)) == expected
    assert expected.procedures_online_used > 0


@pytest.mark.django_db
def test_incremental_after_several_batches_with_updates_equals_full_recompute() -> None:
    procs, plans, pairs = _generate(["25", "11"], scale=0.0015)
    half = len(pairs) // 2
    _ingest(procs, plans, pairs[:half], "one")
    _ingest(procs, plans, pairs[half:], "two")
    assert Score.objects.exists() and MonthCounts.objects.exists()
    # Updates: finish open dossiers late, move one to another commune and month, take
    # online submissions back to paper, add petitions; plus a stale version (ignored).
    updates = []
    for index, (source, record) in enumerate(pairs[:half:4]):
        if "received_at" not in record:
            continue
        changed = copy.deepcopy(record)
        changed["updated_at"] = "2026-03-20T12:00:00+07:00"
        if index % 4 == 0:
            changed["status_history"] = [
                *changed["status_history"],
                {"status": "finished", "at": "2026-03-19T10:00:00+07:00"},
            ]
            changed["finished_at"] = "2026-03-19T10:00:00+07:00"
        elif index % 4 == 1:
            changed["channel"] = 1
            changed["paid_online"] = 0
        elif index % 4 == 2:
            changed["petitions"] = [
                {
                    "received_at": "2026-03-01T09:00:00+07:00",
                    "handled_at": None,
                    "disliked": True,
                    "recomplained": True,
                }
            ]
        else:
            changed["received_at"] = "2026-03-02T09:00:00+07:00"
            changed["status_history"] = [{"status": "received", "at": "2026-03-02T09:00:00+07:00"}]
            changed["finished_at"] = None
        updates.append((source, changed))
    stale = [
        (s, {**r, "updated_at": "2025-01-01T00:00:00+07:00"})
        for s, r in pairs[1:half:9]
        if "received_at" in r
    ]
    _ingest(procs, plans, updates + stale, "three")
    incremental = _snapshot()
    result = aggregate.recompute_months(aggregate.months_with_dossiers())
    full = _snapshot()
    assert result.cells > 0
    assert incremental[0] == full[0]
    assert incremental[1] == full[1]
    assert incremental[2] == full[2]
    assert len(full[2]) > 100


@pytest.mark.django_db
def test_a_province_score_covers_its_subtree_and_is_scored_from_summed_counts() -> None:
    procs, plans, pairs = _generate(["25"])
    _ingest(procs, plans, pairs, "roll")
    units = aggregate.units()
    province = next(u for u in units.values() if u.code == "UBND-T25")
    q1 = Score.objects.get(
        agency_id=province.id, period_kind="quarter", period_start=date(2026, 1, 1)
    )
    assert (
        q1.dossiers_received
        == Dossier.objects.filter(agency__path__startswith=province.path).count()
    )
    months = Score.objects.filter(agency_id=province.id, period_kind="month", ruleset=q1.ruleset)
    assert sum(s.counts["dossiers_received"] for s in months) == q1.dossiers_received
    assert sum(s.counts["dossiers_on_time"] for s in months) == q1.counts["dossiers_on_time"]
    rescored = qd766.score(Counts.from_dict(q1.counts), q1.ruleset, period="quarter")
    assert rescored.total == q1.total


@pytest.mark.django_db
def test_a_batch_that_changes_no_count_rescores_nothing_and_a_real_change_rescores() -> None:
    procs, plans, pairs = _generate(["25"])
    _ingest(procs, plans, pairs, "same")

    def stamps() -> dict[tuple[Any, ...], datetime]:
        return {
            (s.agency_id, s.period_kind, s.period_start, s.ruleset): s.computed_at
            for s in Score.objects.all()
        }

    before = stamps()
    assert before
    # Newer versions whose counted fields are all the same (only the source's stamp moves).
    resent = [
        (source, {**record, "updated_at": "2026-03-20T12:00:00+07:00"})
        for source, record in pairs[:60]
        if "received_at" in record
    ]
    _ingest(procs, plans, resent, "again")
    assert stamps() == before
    # A real change (a March dossier's DVCQG sync flag) re-scores its unit and its ancestors
    # for the month, the quarter and the year, and nothing else.
    source, record = next((s, r) for s, r in resent if _month(r["received_at"]).month == 3)
    changed = {
        **record,
        "synced_to_dvcqg": not record.get("synced_to_dvcqg"),
        "updated_at": "2026-03-20T13:00:00+07:00",
    }
    _ingest(procs, plans, [(source, changed)], "changed")
    after = stamps()
    rescored = {key for key, at in after.items() if before.get(key) != at}
    assert {kind for _agency, kind, _start, _ruleset in rescored} == {"month", "quarter", "year"}
    agencies = {agency for agency, *_rest in rescored}
    assert 1 <= len(agencies) <= 4  # the commune or department and its ancestors
    assert len(rescored) == 3 * len(agencies)
    incremental = _snapshot()
    aggregate.recompute_months(aggregate.months_with_dossiers())
    assert _snapshot() == incremental
