"""Decision 766 engine: every rule of §2.2 and every metric, with boundary cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from dxgov.core.calendar import TZ, WorkingCalendar
from dxgov.dossiers.processing import SUPPLEMENT_OPEN, InvalidRecord, processing
from dxgov.scoring import qd766
from dxgov.scoring.qd766 import (
    Counts,
    ProcedureInfo,
    dossier_facts,
    metric_points,
    on_time,
    procedure_facts,
    score,
    unit_facts,
)

MONDAY = datetime(2026, 8, 3, 9, 0, tzinfo=TZ)  # Monday 3 Aug 2026, 09:00
PERIOD_END = datetime(2026, 8, 31, 23, 59, 59, tzinfo=TZ)


def at(days: float = 0, hours: float = 0) -> str:
    return (MONDAY + timedelta(days=days, hours=hours)).isoformat()


def rec(**fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": "HS-1",
        "procedure_code": "1.000001",
        "agency_code": "25.05",
        "received_at": MONDAY.isoformat(),
        "due_at": at(5),
        "finished_at": None,
        "channel": 1,
        "status_history": [{"status": "received", "at": MONDAY.isoformat()}],
    }
    record.update(fields)
    return record


def history(*items: tuple[str, float]) -> list[dict[str, str]]:
    return [{"status": "received", "at": MONDAY.isoformat()}] + [
        {"status": status, "at": at(days)} for status, days in items
    ]


def facts(record: dict[str, Any], procedure: ProcedureInfo | None = None, **kw: Any) -> Counts:
    return dossier_facts(record, procedure=procedure, as_of=kw.pop("as_of", PERIOD_END), **kw)


# --------------------------------------------------------------------------------------------
# processing() and on_time()


def test_finished_on_time_and_late() -> None:
    early = processing(rec(status_history=history(("finished", 4))))
    assert early.end_at == MONDAY + timedelta(days=4)
    assert early.end_status == "finished"
    assert on_time(early, PERIOD_END)
    exactly = processing(rec(status_history=history(("finished", 5))))
    assert on_time(exactly, PERIOD_END)  # NgayKetThucXuLy ≤ NgayHenTra
    late = processing(rec(status_history=history(("finished", 5.01))))
    assert not on_time(late, PERIOD_END)


def test_end_precedence_finished_before_returned_before_stopped() -> None:
    p = processing(rec(status_history=history(("returned", 2), ("finished", 3), ("stopped", 1))))
    assert (p.end_at, p.end_status) == (MONDAY + timedelta(days=3), "finished")
    p = processing(rec(status_history=history(("withdrawn", 1), ("returned", 2))))
    assert (p.end_at, p.end_status) == (MONDAY + timedelta(days=2), "returned")
    for status in ("stopped", "rejected", "withdrawn"):
        p = processing(rec(status_history=history((status, 1))))
        assert (p.end_at, p.end_status) == (MONDAY + timedelta(days=1), status)


def test_finished_at_used_when_history_has_no_end() -> None:
    p = processing(rec(finished_at=at(7)))
    assert (p.end_at, p.end_status) == (MONDAY + timedelta(days=7), "finished_at")
    assert not on_time(p, PERIOD_END)


def test_no_supplement_request() -> None:
    p = processing(rec(status_history=history(("processing", 1), ("finished", 3))))
    assert (p.supplement_requests, p.supplement_seconds, p.supplement_open) == (0, 0, False)
    assert p.effective_due == MONDAY + timedelta(days=5)
    assert not p.late_by_supplements


def test_one_completed_supplement_request_is_subtracted() -> None:
    # 3 days with the citizen; finished on day 7 against a day-5 deadline: on time (7 − 3 ≤ 5).
    p = processing(
        rec(
            status_history=history(
                ("supplement_requested", 1), ("supplement_completed", 4), ("finished", 7)
            )
        )
    )
    assert p.supplement_requests == 1
    assert p.supplement_seconds == 3 * 86400
    assert p.effective_due == MONDAY + timedelta(days=8)
    assert on_time(p, PERIOD_END)
    later = processing(
        rec(
            status_history=history(
                ("supplement_requested", 1), ("supplement_completed", 2), ("finished", 7)
            )
        )
    )
    assert not on_time(later, PERIOD_END)


def test_single_open_supplement_request_ends_processing() -> None:
    p = processing(rec(status_history=history(("supplement_requested", 2))))
    assert p.end_at == MONDAY + timedelta(days=2)
    assert p.end_status == SUPPLEMENT_OPEN
    assert p.supplement_open and p.supplement_requests == 1
    assert on_time(p, PERIOD_END)  # ended at the request, before the deadline
    late_request = processing(rec(status_history=history(("supplement_requested", 6))))
    assert not on_time(late_request, PERIOD_END)


def test_two_supplement_requests_are_late() -> None:
    p = processing(
        rec(
            status_history=history(
                ("supplement_requested", 1),
                ("supplement_completed", 1.5),
                ("supplement_requested", 2),
                ("supplement_completed", 2.5),
                ("finished", 3),
            )
        )
    )
    assert p.supplement_requests == 2 and p.late_by_supplements
    assert not on_time(p, PERIOD_END)
    still_open = processing(
        rec(
            status_history=history(
                ("supplement_requested", 1),
                ("supplement_completed", 2),
                ("supplement_requested", 3),
            )
        )
    )
    assert still_open.end_at is None  # a second request does not end processing
    assert not on_time(still_open, PERIOD_END)


def test_open_dossier_ends_at_period_end() -> None:
    p = processing(rec(status_history=history(("processing", 1))))
    assert p.end_at is None
    assert on_time(p, MONDAY + timedelta(days=4))  # in progress within the deadline
    assert not on_time(p, PERIOD_END)  # still open at the end of the month, past the deadline
    finished_after_period = processing(rec(status_history=history(("finished", 40))))
    assert on_time(finished_after_period, MONDAY + timedelta(days=3))
    assert not on_time(finished_after_period, PERIOD_END)


def test_missing_due_date_uses_processing_time() -> None:
    working = processing(rec(due_at=None, processing_time={"value": 5, "unit": "working_day"}))
    assert working.effective_due == MONDAY + timedelta(days=7)  # skips the weekend
    days = processing(rec(due_at=None, processing_time={"value": 5, "unit": "day"}))
    assert days.effective_due == MONDAY + timedelta(days=5)
    hours = processing(rec(due_at=None, processing_time={"value": 8, "unit": "hour"}))
    assert hours.effective_due == MONDAY + timedelta(hours=8)
    half = processing(rec(due_at=None, processing_time={"value": 0.5, "unit": "working_day"}))
    assert half.effective_due == MONDAY + timedelta(hours=12)
    with_supplement = processing(
        rec(
            due_at=None,
            processing_time={"value": 5, "unit": "working_day"},
            status_history=history(
                ("supplement_requested", 1), ("supplement_completed", 2), ("finished", 7.5)
            ),
        )
    )
    assert with_supplement.effective_due == MONDAY + timedelta(days=8)
    assert on_time(with_supplement, PERIOD_END)
    holiday = WorkingCalendar(holidays=frozenset({date(2026, 8, 4)}))
    shifted = processing(
        rec(due_at=None, processing_time={"value": 1, "unit": "working_day"}), calendar=holiday
    )
    assert shifted.effective_due == MONDAY + timedelta(days=2)


def test_no_deadline_at_all_is_on_time() -> None:
    for limit in (None, {"value": "x", "unit": "day"}, {"value": 3, "unit": "fortnight"}):
        p = processing(rec(due_at=None, processing_time=limit))
        assert p.effective_due is None
        assert on_time(p, PERIOD_END)


def test_naive_and_datetime_inputs_are_read_in_vietnam_time() -> None:
    p = processing(rec(received_at=datetime(2026, 8, 3, 9, 0), due_at="2026-08-08T09:00:00"))
    assert p.received_at == MONDAY
    assert p.effective_due == MONDAY + timedelta(days=5)


def test_missing_received_at_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="received_at"):
        processing(rec(received_at=None))


def test_on_time_accepts_any_object_with_the_stored_fields() -> None:
    class Row:
        end_at = MONDAY + timedelta(days=2)
        effective_due = MONDAY + timedelta(days=1)
        late_by_supplements = False

    assert not on_time(Row(), PERIOD_END)


# --------------------------------------------------------------------------------------------
# dossier_facts()


PAPER = ProcedureInfo(code="1.000001", requires_paper_result=True)
NO_PAPER = ProcedureInfo(code="1.000002", requires_paper_result=False)


def test_channel_rules() -> None:
    assert facts(rec(channel=None)).dossiers_online == 0  # null = in person
    assert facts(rec(channel=1)).dossiers_online == 0
    assert facts(rec(channel=3)).dossiers_online == 0
    assert facts(rec(channel=2), NO_PAPER).dossiers_online == 1
    assert facts(rec(channel=2)).dossiers_online == 1  # unknown procedure: no paper rule
    # Paper-result procedure: online counts only with an e-result (code and file link).
    assert facts(rec(channel=2), PAPER).dossiers_online == 0
    assert facts(rec(channel=2, result_code="KQ-1"), PAPER).dossiers_online == 0
    e_result = rec(channel=2, result_code="KQ-1", result_file_url="https://kq.example/1.pdf")
    assert facts(e_result, PAPER).dossiers_online == 1


def test_payment_rules() -> None:
    free = facts(rec(fees=[{"name": "Lệ phí", "amount": 0}], paid_online=1))
    assert (free.dossiers_with_fees, free.dossiers_paid_online) == (0, 0)  # all fees 0: excluded
    none = facts(rec(fees=[], paid_online=0))
    assert none.dossiers_with_fees == 0
    fees = [{"name": "Phí", "amount": 0}, {"name": "Lệ phí", "amount": 50000}]
    for paid, expected in ((0, 0), (1, 1), (2, 1), (None, 0)):
        c = facts(rec(fees=fees, paid_online=paid))
        assert (c.dossiers_with_fees, c.dossiers_paid_online) == (1, expected)


def test_digitisation_flags() -> None:
    e_result = {"result_code": "KQ", "result_file_url": "https://kq.example/1.pdf"}
    plain = facts(rec(), PAPER)
    assert (plain.dossiers_paper_result, plain.dossiers_e_result) == (1, 0)
    assert facts(rec(**e_result), PAPER).dossiers_e_result == 1
    assert facts(rec(**e_result), NO_PAPER).dossiers_paper_result == 0
    digitised = rec(
        documents=[{"name": "Tờ khai", "digitised": True, "from_personal_store": False}]
    )
    c = facts(digitised)
    assert (c.dossiers_reused, c.dossiers_digitised, c.dossiers_personal_store) == (1, 0, 0)
    c = facts({**digitised, **e_result})
    assert (c.dossiers_reused, c.dossiers_digitised) == (1, 1)
    c = facts(rec(has_digitised_component=True, **e_result))
    assert (c.dossiers_reused, c.dossiers_digitised) == (1, 1)
    store = rec(documents=[{"name": "CCCD", "digitised": False, "from_personal_store": True}])
    assert facts(store).dossiers_personal_store == 1
    assert facts(rec(vneid_authenticated=True)).dossiers_population_data == 1
    assert facts(rec(population_db_code="DC-1")).dossiers_population_data == 1
    assert facts(rec()).dossiers_population_data == 0


def test_sync_progress_and_finished_counts() -> None:
    c = facts(rec(synced_to_dvcqg=True, status_history=history(("finished", 2))))
    assert (c.dossiers_received, c.dossiers_synced, c.dossiers_on_time) == (1, 1, 1)
    assert (c.dossiers_finished, c.processing_seconds) == (1, 2 * 86400)
    assert c.dossiers_late == 0
    open_late = facts(rec())
    assert (open_late.dossiers_on_time, open_late.dossiers_late) == (0, 1)
    assert open_late.dossiers_finished == 0
    supplement_open = facts(rec(status_history=history(("supplement_requested", 1))))
    assert supplement_open.dossiers_finished == 0 and supplement_open.dossiers_on_time == 1


def test_petitions_and_satisfaction() -> None:
    petitions = [
        # handled in 15 working days (21 calendar days from a Monday): on time, satisfied
        {"received_at": at(0), "handled_at": at(21), "disliked": False, "recomplained": False},
        # handled on working day 16: late, so not satisfied either
        {"received_at": at(0), "handled_at": at(22), "disliked": False, "recomplained": False},
        # on time but disliked
        {"received_at": at(0), "handled_at": at(1), "disliked": True, "recomplained": False},
        # on time but re-complained
        {"received_at": at(0), "handled_at": at(1), "disliked": False, "recomplained": True},
        # open, within 15 working days at as_of
        {"received_at": at(20), "handled_at": None, "disliked": False, "recomplained": False},
        # open and overdue at as_of
        {"received_at": at(0), "handled_at": None, "disliked": False, "recomplained": False},
    ]
    c = facts(rec(petitions=petitions, status_history=history(("finished", 1))))
    assert c.petitions == 6
    assert c.petitions_on_time == 4
    assert c.petitions_satisfied == 2
    assert c.dossiers_complained == 1
    disliked = facts(rec(rating=2, status_history=history(("finished", 1))))
    assert disliked.dossiers_complained == 1
    liked = facts(rec(rating=3, status_history=history(("finished", 1))))
    assert liked.dossiers_complained == 0
    assert facts(rec(rating=None)).dossiers_complained == 0


def test_petition_without_received_date_is_not_on_time() -> None:
    assert not qd766.petition_on_time({"handled_at": at(1)}, PERIOD_END)


# --------------------------------------------------------------------------------------------
# procedure_facts() and unit_facts()

AUG_1, AUG_31 = date(2026, 8, 1), date(2026, 8, 31)


def pfacts(procedure: ProcedureInfo, **kw: Any) -> Counts:
    return procedure_facts(procedure, period_start=AUG_1, period_end=AUG_31, **kw)


def test_publication_on_time_province_and_ministry() -> None:
    # Province: announced at least 5 working days before the legal basis takes effect.
    effective = date(2026, 8, 17)  # Monday; 5 working days before = Monday 10 Aug
    on = ProcedureInfo(code="p", level="province", announced_on=date(2026, 8, 10))
    on = replace(on, legal_basis_effective_on=effective)
    c = pfacts(on)
    assert (c.procedures_announced, c.procedures_announced_on_time) == (1, 1)
    late = replace(on, announced_on=date(2026, 8, 11))
    assert pfacts(late).procedures_announced_on_time == 0
    commune = replace(on, level="commune")
    assert pfacts(commune).procedures_announced_on_time == 1
    # Ministry: 20 working days before.
    ministry = ProcedureInfo(
        code="m",
        level="ministry",
        announced_on=date(2026, 8, 3),
        legal_basis_effective_on=date(2026, 8, 31),  # 20 working days before = 3 Aug
    )
    assert pfacts(ministry).procedures_announced_on_time == 1
    ministry_late = replace(ministry, announced_on=date(2026, 8, 4))
    assert pfacts(ministry_late).procedures_announced_on_time == 0
    unknown_effect = replace(ministry, legal_basis_effective_on=None)
    assert pfacts(unknown_effect).procedures_announced_on_time == 0
    outside = replace(ministry, announced_on=date(2026, 7, 31))
    assert pfacts(outside).procedures_announced == 0


def test_posting_on_time() -> None:
    base = ProcedureInfo(code="p", level="province", announced_on=date(2026, 8, 3))
    for published, level, expected in (
        (date(2026, 8, 10), "province", 1),  # 5 working days after Monday 3 Aug
        (date(2026, 8, 11), "province", 0),
        (date(2026, 8, 17), "ministry", 1),  # 10 working days
        (date(2026, 8, 18), "ministry", 0),
        (None, "province", 0),
    ):
        p = replace(base, published_on=published, level=level)
        c = pfacts(p)
        assert (c.procedures_to_post, c.procedures_posted_on_time) == (1, expected), published


def test_procedure_stock_metrics() -> None:
    p = ProcedureInfo(
        code="p",
        online_level="full",
        has_fees=True,
        fees_integrated=True,
        applicant_type="citizen",
        population_data_connected=True,
        published_on=date(2026, 1, 5),
        content_complete=True,
    )
    c = pfacts(p, online_dossiers=3, online_payments=1)
    assert (c.procedures_in_scope, c.procedures_online, c.procedures_online_used) == (1, 1, 1)
    assert (c.procedures_with_fees, c.procedures_fees_integrated, c.procedures_paid_online) == (
        1,
        1,
        1,
    )
    assert (c.procedures_for_citizens, c.procedures_population_connected) == (1, 1)
    assert (c.procedures_posted, c.procedures_content_complete) == (1, 1)
    assert c.procedures_announced == 0
    unused = pfacts(replace(p, online_level="partial"))
    assert (unused.procedures_online, unused.procedures_online_used) == (1, 0)
    assert unused.procedures_paid_online == 0
    offline = pfacts(
        replace(
            p, online_level="none", has_fees=False, applicant_type="business", published_on=None
        ),
        online_dossiers=5,
    )
    assert (offline.procedures_online, offline.procedures_online_used) == (0, 0)
    assert offline.procedures_with_fees == 0 and offline.procedures_for_citizens == 0
    assert offline.procedures_posted == 0
    future = pfacts(replace(p, published_on=date(2026, 9, 1)))
    assert future.procedures_posted == 0
    assert pfacts(replace(p, active=False)) == Counts()


def test_procedure_from_mapping() -> None:
    p = ProcedureInfo.from_mapping(
        {
            "code": "1.0001",
            "name": "ignored",
            "level": "ministry",
            "announced_on": "2026-08-03",
            "published_on": None,
            "legal_basis_effective_on": date(2026, 9, 1),
        }
    )
    assert p.announced_on == date(2026, 8, 3)
    assert p.legal_basis_effective_on == date(2026, 9, 1)
    assert p.level == "ministry"


def test_unit_facts() -> None:
    assert unit_facts(communes=10, communes_certified_copy=7) == Counts(
        communes=10, communes_certified_copy=7
    )
    with pytest.raises(ValueError):
        unit_facts(communes=3, communes_certified_copy=4)


# --------------------------------------------------------------------------------------------
# score()


def pts(card: qd766.Scorecard, code: str) -> Decimal:
    return card.metric(code).points


def test_structure_of_the_scorecard() -> None:
    card = score(Counts())
    assert [g.code for g in card.groups] == [
        "publicity",
        "progress",
        "online",
        "payment",
        "digitisation",
        "satisfaction",
    ]
    assert [g.max for g in card.groups] == [18, 20, 12, 10, 22, 18]
    assert sum(m.max_points for m in qd766.METRICS) == 100
    assert card.ruleset == "qd766-v1"
    assert {m.code for m in card.metrics} == {m.code for m in qd766.METRICS}


def test_zero_denominators() -> None:
    v1 = score(Counts())
    for code in ("1.1", "1.2", "1.3", "3.1", "3.2", "3.3", "3.5", "4.1", "4.2", "4.6"):
        assert pts(v1, code) == 0, code
    assert v1.metric("1.1").ratio is None  # not measured
    assert v1.metric("2.1").ratio == 0 and pts(v1, "2.1") == 0
    assert v1.metric("1.4").ratio == 0 and pts(v1, "1.4") == 0
    assert pts(v1, "5.4") == 0  # 0 if no dossiers
    assert pts(v1, "5.2") == 9 and pts(v1, "5.3") == 0  # split: 5.2 worth 9, full
    assert v1.group("satisfaction").points == 9
    portal = score(Counts(), "qd766-portal-v1")
    assert pts(portal, "5.2") == 6 and pts(portal, "5.3") == 6 and pts(portal, "5.4") == 0
    assert pts(portal, "4.6") == 2  # certified copies: full when not measured (portal)
    assert portal.total == 14


def test_progress_and_publicity_are_linear() -> None:
    card = score(
        Counts(
            dossiers_received=8,
            dossiers_on_time=6,
            dossiers_synced=7,
            procedures_announced=4,
            procedures_announced_on_time=3,
            procedures_to_post=4,
            procedures_posted_on_time=1,
            procedures_posted=10,
            procedures_content_complete=9,
        )
    )
    assert pts(card, "2.1") == Decimal("15.00")
    assert pts(card, "1.4") == Decimal("5.25")
    assert pts(card, "1.1") == Decimal("4.50")
    assert pts(card, "1.2") == Decimal("1.00")
    assert pts(card, "1.3") == Decimal("1.80")
    assert card.group("publicity").points == Decimal("12.55")
    assert card.metric("2.1").ratio == Fraction(3, 4)


def test_online_services_thresholds() -> None:
    card = score(
        Counts(
            procedures_in_scope=10,
            procedures_online=6,
            procedures_online_used=3,
            dossiers_received=10,
            dossiers_online=4,
        )
    )
    assert pts(card, "3.1") == Decimal("1.50")  # 2 × 0.6 / 0.8
    assert pts(card, "3.2") == Decimal("2.00")  # 4 × 0.5
    assert pts(card, "3.3") == Decimal("4.80")  # 6 × 0.4 / 0.5
    full = score(
        Counts(procedures_in_scope=10, procedures_online=8, dossiers_received=2, dossiers_online=1)
    )
    assert pts(full, "3.1") == 2 and pts(full, "3.3") == 6


def test_payment_rule_sets() -> None:
    counts = Counts(
        dossiers_with_fees=100,
        dossiers_paid_online=80,
        procedures_with_fees=20,
        procedures_paid_online=6,
        procedures_fees_integrated=4,
    )
    v1 = score(counts)
    assert pts(v1, "3.6") == Decimal("4.80")
    assert pts(v1, "3.5") == Decimal("0.50")  # 2 × 0.2 / 0.8
    assert pts(v1, "3.5b") == Decimal("0.60")  # 2 × 0.3
    portal = score(counts, "qd766-portal-v1")
    # The portal's example: 6·0.8 + min(2, 2.5·0.3) + 2.5·0.2 = 6.05
    assert portal.group("payment").points == Decimal("6.05")
    capped = score(Counts(procedures_with_fees=10, procedures_fees_integrated=9), "qd766-portal-v1")
    assert pts(capped, "3.5") == 2  # 2.5 × 0.9 capped at the metric's 2 points
    assert pts(score(Counts(dossiers_with_fees=0)), "3.6") == 0


def test_digitisation_threshold_conflict() -> None:
    counts = Counts(
        dossiers_received=10,
        dossiers_digitised=6,
        dossiers_reused=6,
        dossiers_paper_result=4,
        dossiers_e_result=3,
        dossiers_personal_store=5,
        dossiers_population_data=10,
        procedures_for_citizens=4,
        procedures_population_connected=1,
        communes=4,
        communes_certified_copy=3,
    )
    v1 = score(counts)
    portal = score(counts, "qd766-portal-v1")
    assert pts(v1, "4.2") == Decimal("3.00")  # full at 80 %: 4 × 0.6 / 0.8
    assert pts(portal, "4.2") == Decimal("2.40")  # linear
    for card in (v1, portal):
        assert pts(card, "4.1") == Decimal("4.50")
        assert pts(card, "4.3") == Decimal("1.50")  # 2 × 0.6 / 0.8 in both
        assert pts(card, "4.4") == Decimal("2.00")
        assert pts(card, "4.5a") == Decimal("0.50")
        assert pts(card, "4.5b") == Decimal("2.00")
        assert pts(card, "4.6") == Decimal("1.50")
    eighty = Counts(dossiers_received=5, dossiers_digitised=4)
    assert pts(score(eighty), "4.2") == 4
    assert pts(score(eighty, "qd766-portal-v1"), "4.2") == Decimal("3.20")


def test_satisfaction_with_petitions() -> None:
    counts = Counts(
        dossiers_received=1000,
        dossiers_late=100,
        dossiers_complained=50,
        petitions=2,
        petitions_on_time=1,
        petitions_satisfied=2,
    )
    for ruleset in ("qd766-v1", "qd766-portal-v1"):
        card = score(counts, ruleset)
        assert card.metric("5.4").numerator == 850
        assert pts(card, "5.4") == Decimal("5.67")  # min(6, 6 × 0.85 / 0.9)
        assert pts(card, "5.2") == Decimal("3.00")
        assert pts(card, "5.3") == Decimal("6.00")
        assert card.group("satisfaction").points == Decimal("14.67")


def test_no_petitions_conflict() -> None:
    counts = Counts(dossiers_received=100, dossiers_late=10, dossiers_complained=5)
    # r = 0.85 → 5.4 is 0.85 / 0.9 of its maximum
    v1 = score(counts)
    assert (v1.metric("5.2").max, v1.metric("5.3").max, v1.metric("5.4").max) == (9, 0, 9)
    assert pts(v1, "5.2") == 9 and pts(v1, "5.3") == 0 and pts(v1, "5.4") == Decimal("8.50")
    assert v1.group("satisfaction").points == Decimal("17.50")
    portal = score(counts, "qd766-portal-v1")
    assert pts(portal, "5.2") == 6 and pts(portal, "5.3") == 6
    assert pts(portal, "5.4") == Decimal("5.67")
    assert portal.group("satisfaction").points == Decimal("17.67")
    everything_late = score(Counts(dossiers_received=10, dossiers_late=8, dossiers_complained=8))
    assert everything_late.metric("5.4").numerator == 0 and pts(everything_late, "5.4") == 0


def test_sync_denominator_fallback() -> None:
    assert pts(score(Counts(), period="month", last_year_received=1200), "1.4") == 0
    assert score(Counts(), period="month", last_year_received=1200).metric("1.4").ratio == 0
    # A numerator against the fallback denominator: 50 synced vs 1200 ÷ 12 = 100.
    card = score(Counts(dossiers_synced=50), period="month", last_year_received=1200)
    assert card.metric("1.4").ratio == Fraction(1, 2) and pts(card, "1.4") == 3
    quarter = score(Counts(dossiers_synced=225), period="quarter", last_year_received=1200)
    assert pts(quarter, "1.4") == Decimal("4.50")
    year = score(Counts(dossiers_synced=600), period="year", last_year_received=1200)
    assert pts(year, "1.4") == 3
    no_history = score(Counts(dossiers_synced=50), period="month", last_year_received=None)
    assert pts(no_history, "1.4") == 0


def test_average_processing_time_is_shown_not_scored() -> None:
    card = score(Counts(dossiers_finished=2, processing_seconds=3 * 86400))
    m = card.metric("2.2")
    assert m.ratio == Fraction(3 * 86400, 2) and m.points == 0 and m.max == 0


def test_rounding_is_half_up() -> None:
    # 4 × 90.625 % = 3.625 → 3.63 (half-up, as the portal publishes)
    assert metric_points("4.4", 725, 800).points == Decimal("3.63")
    assert qd766.round_points(Fraction(1, 200)) == Decimal("0.01")


def test_rulesets() -> None:
    with pytest.raises(qd766.UnknownRuleSet, match="qd766-v1"):
        score(Counts(), "qd766-v9")
    custom = qd766.get_ruleset("qd766-v1").replace(code="custom", no_petitions="full_each")
    assert score(Counts(), custom).ruleset == "custom"
    assert pts(score(Counts(), custom), "5.3") == 6


def test_counts_roundtrip_and_addition() -> None:
    a = Counts(dossiers_received=2, petitions=1)
    b = Counts(dossiers_received=3, communes=4)
    assert a + b == Counts(dossiers_received=5, petitions=1, communes=4)
    assert Counts.total([a, b, a]) == a + b + a
    assert Counts.from_dict({**a.as_dict(), "unknown": 7}) == a
    assert set(a.as_dict()) == set(qd766.COUNT_FIELDS)
    with pytest.raises(TypeError):
        a + 1  # type: ignore[operator]


def test_end_to_end_month() -> None:
    """Three dossiers and one procedure, through facts and the score."""
    procedure = ProcedureInfo(code="1.000001", online_level="full", requires_paper_result=True)
    records = [
        rec(
            channel=2,
            result_code="KQ",
            result_file_url="https://kq.example/1.pdf",
            synced_to_dvcqg=True,
            status_history=history(("finished", 2)),
            rating=5,
        ),
        rec(channel=2, status_history=history(("finished", 9)), rating=1),  # late, disliked
        rec(
            channel=None, synced_to_dvcqg=True, status_history=history(("supplement_requested", 1))
        ),
    ]
    counts = Counts.total(facts(r, procedure) for r in records) + pfacts(
        procedure, online_dossiers=1
    )
    assert counts.dossiers_received == 3
    assert counts.dossiers_on_time == 2
    assert counts.dossiers_online == 1  # the second has no e-result
    assert counts.dossiers_synced == 2
    assert counts.procedures_online_used == 1
    card = score(counts)
    assert pts(card, "2.1") == Decimal("13.33")
    assert card.metric("5.4").numerator == 1  # 3 − 1 late − 1 disliked (the same dossier)
    assert card.total == sum(g.points for g in card.groups)
