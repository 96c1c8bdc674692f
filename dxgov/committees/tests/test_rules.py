"""The pure rules: ballots (refusals, tally, content hash, reminders), signing keys, and the
report's task figures against the task statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.committees import ballots, report, signing
from dxgov.committees.ballots import AnswerFact, Choice, Refusal
from dxgov.directives import stats
from dxgov.directives.rules import Status

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=2)


def _refusal(**changes: object) -> Refusal | None:
    facts: dict[str, object] = {
        "status": "open",
        "deadline": DEADLINE,
        "now": NOW,
        "asked": True,
        "answered_before": False,
        "change_rule": "refuse",
        "stand_in": False,
        "delegated": False,
    }
    facts.update(changes)
    return ballots.refusal(**facts)  # type: ignore[arg-type]


def test_an_answer_in_time_by_a_member_is_taken() -> None:
    assert _refusal() is None
    assert _refusal(now=DEADLINE) is None  # the deadline's own moment is still in time


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": "closed"}, Refusal.CLOSED),
        ({"status": "draft"}, Refusal.NOT_OPEN),
        ({"now": DEADLINE + timedelta(seconds=1)}, Refusal.PAST_DEADLINE),
        ({"asked": False}, Refusal.NOT_ASKED),
        ({"stand_in": True}, Refusal.NO_DELEGATION),
        ({"answered_before": True}, Refusal.ALREADY_ANSWERED),
    ],
)
def test_each_refusal(changes: dict[str, object], reason: Refusal) -> None:
    assert _refusal(**changes) == reason
    assert ballots.refusal_message(reason, deadline_text="09/12/2026 09:00")


def test_a_change_is_taken_when_the_rule_allows_it() -> None:
    assert _refusal(answered_before=True, change_rule="replace") is None
    assert _refusal(stand_in=True, delegated=True) is None


def test_a_ballot_needs_a_question_and_a_future_deadline() -> None:
    problems = ballots.question_problems(" ", "", None, NOW)
    assert set(problems) == {"title", "question", "deadline"}
    assert "deadline" in ballots.question_problems("T", "Q?", NOW, NOW)
    assert ballots.question_problems("T", "Q?", DEADLINE, NOW) == {}


def test_an_other_opinion_needs_its_words() -> None:
    assert "comment" in ballots.answer_problems(ballots.AnswerInput(1, Choice.OTHER, " "))
    assert "choice" in ballots.answer_problems(ballots.AnswerInput(1, "maybe"))
    assert ballots.answer_problems(ballots.AnswerInput(1, Choice.AGREE)) == {}


def test_the_content_hash_covers_what_is_asked_only() -> None:
    content = ballots.Content(7, "BCD-T25", "03/PLYK", "Kế hoạch", "Đồng ý?", "Dự thảo")
    same = ballots.Content(7, "BCD-T25", "03/PLYK", "Kế hoạch", "Đồng ý?", "Dự thảo")
    assert ballots.content_hash(content) == ballots.content_hash(same)
    assert ballots.content_hash(content) == ballots.content_hash(content.as_dict())
    changed = ballots.Content(7, "BCD-T25", "03/PLYK", "Kế hoạch", "Đồng ý?", "Dự thảo mới")
    assert ballots.content_hash(changed) != ballots.content_hash(content)


def test_the_tally_counts_latest_valid_answers_of_members_asked() -> None:
    answers = [
        AnswerFact(1, member=10, choice=Choice.DISAGREE, sequence=1, valid=True),
        AnswerFact(2, member=10, choice=Choice.AGREE, sequence=2, valid=True),  # a change
        AnswerFact(3, member=11, choice=Choice.AGREE, sequence=1, valid=True, stand_in=True),
        AnswerFact(4, member=12, choice=Choice.OTHER, sequence=1, valid=False),  # forged
        AnswerFact(5, member=99, choice=Choice.AGREE, sequence=1, valid=True),  # not asked
    ]
    result = ballots.tally([10, 11, 12, 13], answers)
    assert (result.agree, result.disagree, result.other) == (2, 0, 0)
    assert result.answered == [10, 11] and result.missing == [12, 13]
    assert result.invalid == [4] and result.stand_ins == 1 and result.changed == 1
    assert not result.approved  # 2 of 4 is not more than half
    assert ballots.tally([10, 11, 13], answers).approved
    assert result.as_dict()["missing"] == [12, 13]


def test_reminders_before_the_deadline_and_after_it_for_those_who_have_not_answered() -> None:
    ballot = {"id": 1, "status": "open", "deadline": DEADLINE, "members": [10, 11, 12]}
    answered = {1: {11}}
    assert ballots.due_reminders([ballot], answered, NOW) == []
    soon = ballots.due_reminders([ballot], answered, DEADLINE - timedelta(hours=3))
    assert [(r.member, r.kind) for r in soon] == [(10, ballots.DUE_SOON), (12, ballots.DUE_SOON)]
    late = ballots.due_reminders([ballot], answered, DEADLINE + timedelta(minutes=1))
    assert {r.kind for r in late} == {ballots.OVERDUE}
    closed = {**ballot, "status": "closed"}
    assert ballots.due_reminders([closed], answered, DEADLINE + timedelta(days=1)) == []


# --- signing -------------------------------------------------------------------------------------

KEK = signing.derive_kek(b"a platform secret")


def _body(choice: str = Choice.AGREE) -> dict[str, object]:
    return ballots.signed_body(
        content_digest="ab" * 32,
        ballot=3,
        answer=ballots.AnswerInput(5, choice, "Nhất trí"),
        member_title="Chủ tịch UBND tỉnh",
        answered_by="phutho.lanhdao",
        stand_in=False,
        answered_at=NOW,
        sequence=1,
    )


def test_a_kept_key_signs_and_a_changed_answer_fails() -> None:
    made = signing.generate(KEK)
    private = signing.decrypt_private(made.encrypted_private, made.key_id, KEK)
    public = signing.load_public(made.public_pem)
    assert signing.key_id(public) == made.key_id
    signature = signing.sign(private, _body())
    assert signing.verify(public, _body(), signature)
    assert not signing.verify(public, _body(Choice.DISAGREE), signature)
    assert not signing.verify(public, _body(), "00" * 64)
    assert not signing.verify(public, _body(), "not hex")


def test_a_kept_key_opens_only_with_its_secret_and_under_its_own_id() -> None:
    made = signing.generate(KEK)
    with pytest.raises(signing.KeyUnusable):
        signing.decrypt_private(made.encrypted_private, made.key_id, signing.derive_kek(b"other"))
    other = signing.generate(KEK)
    with pytest.raises(signing.KeyUnusable):  # copied onto another key's row
        signing.decrypt_private(made.encrypted_private, other.key_id, KEK)
    with pytest.raises(signing.KeyUnusable):
        signing.decrypt_private("plain:" + made.encrypted_private, made.key_id, KEK)
    assert made.encrypted_private != signing.generate(KEK).encrypted_private
    private = signing.decrypt_private(made.encrypted_private, made.key_id, KEK)
    again = signing.encrypt_private(private, made.key_id, KEK)
    assert again != made.encrypted_private


def test_a_registered_key_must_be_ed25519() -> None:
    with pytest.raises(signing.KeyUnusable):
        signing.load_public("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


# --- the report's task figures -------------------------------------------------------------------

DAY = date(2022, 8, 5)


def _fact(n: int, status: str, deadline: date | None, completed: date | None) -> report.TaskFact:
    return report.TaskFact(
        id=n,
        status=status,
        deadline=deadline,
        original_deadline=deadline,
        completed_on=completed,
        lead_code="BCA" if n % 2 else "BTTTT",
        lead_name="Bộ Công an" if n % 2 else "Bộ Thông tin và Truyền thông",
        content=f"Nhiệm vụ {n}",
        session=2,
        item=n,
    )


def test_a_task_completed_after_the_report_day_was_in_progress_on_it() -> None:
    later = _fact(1, Status.DONE_LATE, date(2022, 5, 31), date(2022, 9, 5))
    assert report.status_as_of(later, DAY) == Status.OVERDUE
    assert report.status_as_of(later, date(2022, 9, 5)) == Status.DONE_LATE
    waiting = _fact(2, Status.AWAITING_CONFIRMATION, None, date(2022, 7, 1))
    assert report.status_as_of(waiting, DAY) == Status.AWAITING_CONFIRMATION
    assert report.status_as_of(waiting, date(2022, 6, 30)) == Status.OPEN
    open_ = _fact(3, Status.OVERDUE, date(2022, 9, 30), None)  # the sweep moved it since
    assert report.status_as_of(open_, DAY) == Status.OPEN
    assert report.status_as_of(_fact(4, Status.CANCELLED, None, None), DAY) == Status.CANCELLED


def test_the_seed_sentence() -> None:
    facts = [_fact(n, Status.DONE_ON_TIME, None, date(2022, 6, 1)) for n in range(15)]
    facts += [_fact(15, Status.OVERDUE, date(2022, 5, 31), None)]
    facts += [_fact(n, Status.OPEN, None, None) for n in range(16, 27)]
    section = report.task_section(facts, DAY)
    assert section["counts"]["done_on_time"] == 15
    with translation.override("vi"):
        assert report.sentence(section["counts"]) == (
            "27 nhiệm vụ: 15 hoàn thành, 12 đang thực hiện (1 quá hạn)"
        )
    assert section["overdue_agencies"] == [{"code": "BCA", "name": "Bộ Công an", "tasks": [15]}]
    assert section["source"]["task_ids"] == list(range(27))


STATUSES = st.sampled_from([s.value for s in Status])
DATES = st.dates(min_value=date(2022, 1, 1), max_value=date(2023, 12, 31))


@given(
    st.lists(st.tuples(STATUSES, st.none() | DATES, st.none() | DATES), min_size=0, max_size=40),
    DATES,
)
def test_on_its_own_day_the_report_says_what_the_task_statistics_say(
    tasks: list[tuple[str, date | None, date | None]], today: date
) -> None:
    """Stored statuses as the rules leave them today: completed ones were completed by today,
    overdue ones are past their deadline, open ones may be past it before the nightly sweep."""
    facts = []
    for n, (status, deadline, completed) in enumerate(tasks):
        if status in {Status.DONE_ON_TIME, Status.DONE_LATE, Status.AWAITING_CONFIRMATION}:
            completed = min(completed or today, today)
        else:
            completed = None
        if status == Status.OVERDUE and (deadline is None or deadline >= today):
            status = Status.OPEN  # the sweep moves a task to overdue only past its deadline
        facts.append(_fact(n, status, deadline, completed))
    rows = [{"status": f.status, "deadline": f.deadline} for f in facts]
    figures = stats.summarize(rows, today)
    counts = report.counts_as_of(facts, today)
    assert counts == figures["by_status"]
    assert sum(counts.values()) == figures["total"] == len(facts)


def test_a_snapshot_digest_changes_with_any_number() -> None:
    snapshot = report.build(
        committee={"code": "X"},
        session={"number": 3},
        day=DAY,
        drafted_at="2022-08-05T09:00:00+07:00",
        sections={"tasks": report.task_section([_fact(1, Status.OPEN, None, None)], DAY)},
    )
    assert [s["key"] for s in snapshot["sections"]] == list(report.SECTIONS)
    assert report.section(snapshot, "dti")["available"] is False
    before = report.digest(snapshot)
    snapshot["sections"][0]["counts"]["open"] = 2
    assert report.digest(snapshot) != before
