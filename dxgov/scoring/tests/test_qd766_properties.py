"""Properties of the Decision 766 engine (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.core.calendar import TZ
from dxgov.dossiers.processing import processing
from dxgov.dossiers.schema import STATUSES
from dxgov.scoring import qd766
from dxgov.scoring.qd766 import Counts, ProcedureInfo, dossier_facts, procedure_facts, score

START = datetime(2026, 8, 3, 8, 0, tzinfo=TZ)
PERIOD_END = datetime(2026, 8, 31, 23, 59, 59, tzinfo=TZ)

counts_strategy = st.builds(Counts, **{name: st.integers(0, 10**7) for name in qd766.COUNT_FIELDS})
rulesets = st.sampled_from(sorted(qd766.RULESETS))

offsets = st.floats(0, 60, allow_nan=False, allow_infinity=False)
statuses = st.sampled_from(sorted(STATUSES))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    events = draw(st.lists(st.tuples(statuses, offsets), max_size=8))
    due = draw(st.one_of(st.none(), offsets))
    limit = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "value": st.integers(0, 30),
                    "unit": st.sampled_from(["working_day", "day", "hour"]),
                }
            ),
        )
    )
    petitions = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "received_at": offsets.map(lambda d: (START + timedelta(days=d)).isoformat()),
                    "handled_at": st.one_of(
                        st.none(), offsets.map(lambda d: (START + timedelta(days=d)).isoformat())
                    ),
                    "disliked": st.booleans(),
                    "recomplained": st.booleans(),
                }
            ),
            max_size=3,
        )
    )
    return {
        "code": "HS",
        "procedure_code": "P",
        "agency_code": "25",
        "received_at": START.isoformat(),
        "due_at": None if due is None else (START + timedelta(days=due)).isoformat(),
        "processing_time": limit,
        "finished_at": draw(
            st.one_of(st.none(), offsets.map(lambda d: (START + timedelta(days=d)).isoformat()))
        ),
        "channel": draw(st.sampled_from([None, 1, 2, 3])),
        "status_history": [
            {"status": s, "at": (START + timedelta(days=d)).isoformat()} for s, d in events
        ],
        "result_code": draw(st.sampled_from([None, "KQ"])),
        "result_file_url": draw(st.sampled_from([None, "https://kq.example/1.pdf"])),
        "has_digitised_component": draw(st.booleans()),
        "documents": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.just("d"),
                        "digitised": st.booleans(),
                        "from_personal_store": st.booleans(),
                    }
                ),
                max_size=3,
            )
        ),
        "vneid_authenticated": draw(st.booleans()),
        "population_db_code": draw(st.sampled_from([None, "DC"])),
        "fees": draw(
            st.lists(
                st.fixed_dictionaries({"name": st.just("f"), "amount": st.integers(0, 10**6)}),
                max_size=3,
            )
        ),
        "paid_online": draw(st.sampled_from([0, 1, 2])),
        "synced_to_dvcqg": draw(st.booleans()),
        "rating": draw(st.sampled_from([None, 1, 2, 3, 4, 5])),
        "petitions": petitions,
    }


procedures = st.builds(
    ProcedureInfo,
    code=st.just("P"),
    level=st.sampled_from(["ministry", "province", "commune"]),
    online_level=st.sampled_from(["none", "partial", "full"]),
    has_fees=st.booleans(),
    fees_integrated=st.booleans(),
    requires_paper_result=st.booleans(),
    applicant_type=st.sampled_from(["citizen", "business", "both"]),
    announced_on=st.one_of(st.none(), st.dates(date(2026, 7, 1), date(2026, 9, 30))),
    legal_basis_effective_on=st.one_of(st.none(), st.dates(date(2026, 7, 1), date(2026, 12, 31))),
    published_on=st.one_of(st.none(), st.dates(date(2026, 7, 1), date(2026, 9, 30))),
    content_complete=st.booleans(),
    population_data_connected=st.booleans(),
    active=st.booleans(),
)


@given(counts_strategy, rulesets)
def test_scores_stay_within_their_maximum(counts: Counts, ruleset: str) -> None:
    card = score(counts, ruleset)
    for metric in card.metrics:
        assert 0 <= metric.points <= metric.max
    for group in card.groups:
        assert group.points == sum((m.points for m in group.metrics), Decimal(0))
        assert 0 <= group.points <= group.max
        assert sum(m.max for m in group.metrics) == group.max
    assert card.total == sum((g.points for g in card.groups), Decimal(0))
    assert 0 <= card.total <= 100


@given(counts_strategy, counts_strategy, counts_strategy)
def test_counts_addition_is_associative_and_commutative(a: Counts, b: Counts, c: Counts) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert a + Counts() == a


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), min_size=1, max_size=12), st.data(), rulesets)
def test_aggregation_sums_counts(records_: list[dict[str, Any]], data: Any, ruleset: str) -> None:
    """Months or units rolled up: score(sum of parts' counts) == score(all counts)."""
    facts = [dossier_facts(r, procedure=None, as_of=PERIOD_END, ruleset=ruleset) for r in records_]
    parts = data.draw(st.lists(st.integers(0, 3), min_size=len(facts), max_size=len(facts)))
    subtotals = [
        Counts.total(f for f, p in zip(facts, parts, strict=True) if p == part) for part in range(4)
    ]
    rolled_up = Counts.total(subtotals)
    assert rolled_up == Counts.total(facts)
    assert score(rolled_up, ruleset) == score(Counts.total(facts), ruleset)


@settings(max_examples=150, deadline=None)
@given(records(), st.one_of(st.none(), procedures))
def test_one_dossier_never_counts_more_in_a_numerator_than_in_its_denominator(
    record: dict[str, Any], procedure: ProcedureInfo | None
) -> None:
    c = dossier_facts(record, procedure=procedure, as_of=PERIOD_END)
    assert c.dossiers_received == 1
    for metric in qd766.METRICS:
        if metric.numerator and metric.denominator and metric.code != "2.2":
            assert getattr(c, metric.numerator) <= getattr(c, metric.denominator), metric.code
    assert c.dossiers_on_time + c.dossiers_late == 1
    assert c.petitions_satisfied <= c.petitions_on_time <= c.petitions


@settings(max_examples=150, deadline=None)
@given(records())
def test_processing_invariants(record: dict[str, Any]) -> None:
    p = processing(record)
    assert p.supplement_seconds >= 0
    assert p.late_by_supplements == (p.supplement_requests >= 2)
    requests = sum(1 for e in record["status_history"] if e["status"] == "supplement_requested")
    assert p.supplement_requests == requests
    if p.effective_due is not None and p.due_at is not None:
        assert p.effective_due == p.due_at + timedelta(seconds=p.supplement_seconds)
    # Once late, a dossier stays late as the evaluation moment moves on.
    moments = [START + timedelta(days=d) for d in range(0, 70, 7)]
    flags = [qd766.on_time(p, m) for m in moments]
    assert flags == sorted(flags, reverse=True)


@settings(max_examples=150, deadline=None)
@given(procedures, st.integers(0, 3), st.integers(0, 3), rulesets)
def test_procedure_facts_are_zero_or_one_and_consistent(
    procedure: ProcedureInfo, online: int, paid: int, ruleset: str
) -> None:
    c = procedure_facts(
        procedure,
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        online_dossiers=online,
        online_payments=paid,
        ruleset=ruleset,
    )
    values = dataclasses.asdict(c)
    assert all(v in (0, 1) for v in values.values())
    for metric in qd766.METRICS:
        if metric.numerator and metric.denominator:
            assert values[metric.numerator] <= values[metric.denominator], metric.code
    if not procedure.active:
        assert c == Counts()


# --- group_points: the integer path equals score()'s Fraction path ---------------------------

small = st.integers(0, 60)
# Small counts hit the half-up boundaries (e.g. 6 × 1/16 = 0.375); large ones the big totals.
mixed_counts = st.builds(
    Counts,
    **{
        name: st.one_of(small, st.integers(0, 10**9), st.integers(-3, 10**15))
        for name in qd766.COUNT_FIELDS
    },
)
period_kinds = st.sampled_from([None, "month", "quarter", "year"])


def _as_points(card: qd766.Scorecard) -> tuple[Decimal, dict[str, Decimal]]:
    return card.total, {g.code: g.points for g in card.groups}


@settings(max_examples=600, deadline=None)
@given(mixed_counts, rulesets, period_kinds, st.one_of(st.none(), st.integers(-50, 10**9)))
def test_group_points_equal_the_scorecard(
    counts: Counts, ruleset: str, period: Any, last_year: int | None
) -> None:
    fast = qd766.group_points(counts, ruleset, period=period, last_year_received=last_year)
    reference = score(counts, ruleset, period=period, last_year_received=last_year)
    assert (fast.total, dict(fast.groups)) == _as_points(reference)
    # The same Decimal form (two places), so stored and displayed figures are alike.
    assert str(fast.total) == str(reference.total)


@settings(max_examples=600, deadline=None)
@given(mixed_counts, rulesets)
def test_vector_points_of_the_counts_vector_equal_the_scorecard(
    counts: Counts, ruleset: str
) -> None:
    """Re-scoring's path: the counts as a vector in COUNT_FIELDS order, the rule set compiled."""
    vector = [getattr(counts, name) for name in qd766.COUNT_FIELDS]
    fast = qd766.vector_points(vector, ruleset)
    reference = score(counts, ruleset)
    assert (fast.total, dict(fast.groups)) == _as_points(reference)


def test_vector_points_of_an_unregistered_rule_set_use_its_own_formulas() -> None:
    base = qd766.get_ruleset(qd766.DEFAULT_RULESET)
    # Same code, another formula: its compiled form must not be the registered one's.
    lenient = qd766.Formula(full_at=Fraction(1, 2), when_empty="zero")
    strict = base.replace(formulas={**base.formulas, "2.1": lenient})
    counts = Counts(dossiers_received=10, dossiers_on_time=7, petitions=0)
    vector = [getattr(counts, name) for name in qd766.COUNT_FIELDS]
    for rules in (base, strict):
        assert qd766.vector_points(vector, rules).groups == {
            g.code: g.points for g in score(counts, rules).groups
        }
    assert qd766.vector_points(vector, strict) != qd766.vector_points(vector, base)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 200), st.integers(1, 200), rulesets, period_kinds)
def test_group_points_agree_on_the_sync_fallback(
    synced: int, last_year: int, ruleset: str, period: Any
) -> None:
    counts = Counts(dossiers_synced=synced, petitions=1)
    fast = qd766.group_points(counts, ruleset, period=period, last_year_received=last_year)
    reference = score(counts, ruleset, period=period, last_year_received=last_year)
    assert (fast.total, dict(fast.groups)) == _as_points(reference)


def test_hundredths_match_metric_points_on_every_small_ratio() -> None:
    """Exhaustive over small numerators and denominators, where every half-up boundary of
    every formula and maximum (including the no-PAKN split's 9 and 0) occurs."""
    boundaries = 0
    for ruleset in qd766.RULESETS.values():
        for metric in qd766.METRICS:
            formula = ruleset.formula(metric.code)
            for top in {metric.max_points, 0, 9}:
                for denominator in range(-1, 41):
                    for numerator in range(-1, 46):
                        reference = qd766.metric_points(
                            metric.code, numerator, denominator, ruleset, max_points=top
                        ).points
                        value = qd766._hundredths(numerator, denominator, top, formula)
                        assert Decimal(value) / 100 == reference, (metric.code, top, numerator)
                        if denominator > 0 and 0 < numerator < denominator:
                            exact = Fraction(100 * top * numerator, denominator) / formula.full_at
                            boundaries += exact.denominator == 2
    assert boundaries > 100  # the half-up cases were really exercised
