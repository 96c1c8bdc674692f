"""The programme's workflow through the actions, on the real database: what a submission
needs (each refusal with its message, nothing saved), the review (comments per section, the
checklist, return, approve), what approval does elsewhere (directive tasks, approved
targets, forecasts), versions with reasons, and who may do what."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dxgov.audit.models import AuditEvent
from dxgov.core.errors import TransitionNotAllowed
from dxgov.directives.models import Task
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast
from dxgov.indicators.models import Target, TargetState
from dxgov.programmes import actions
from dxgov.programmes.models import (
    OverlapPair,
    OverlapRun,
    Programme,
    ProgrammeStatus,
    ProgrammeTask,
    ProgrammeVersion,
)
from dxgov.testing import programmes as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(coordinator: Any) -> Any:
    return make.percent_indicator(coordinator, "PG_TL_HS")


def _refusal(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


def test_a_programme_without_a_measurable_goal_is_refused_and_nothing_changes(
    phutho_officer: Any, phutho_leader: Any
) -> None:
    programme = make.draft(phutho_officer)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.submit_programme(acting_user=phutho_leader, programme=programme)
    problems = _refusal(refused.value)
    assert "goals" in problems and "tasks" in problems and "breakthroughs" in problems
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT
    assert AuditEvent.objects.count() == events


def test_a_goal_without_targets_and_a_task_without_lead_or_deadline_are_named(
    phutho_officer: Any, phutho_leader: Any, indicator: Any
) -> None:
    programme = make.complete_programme(phutho_officer, indicator, tasks=1)
    actions.add_goal(
        acting_user=phutho_officer,
        programme=programme,
        data=actions.GoalInput(name="Mục tiêu chưa đo được", indicator=indicator.code),
    )
    actions.add_task(
        acting_user=phutho_officer,
        programme=programme,
        data=actions.TaskInput(content="Triển khai nền tảng số", person="", deadline=None),
    )
    with pytest.raises(ValidationError) as refused:
        actions.submit_programme(acting_user=phutho_leader, programme=programme)
    problems = _refusal(refused.value)
    assert "cannot be measured" in problems["goal-2"][0]
    assert "baseline" in problems["goal-2"][0] and "data source" in problems["goal-2"][0]
    task = problems["task-2"][0]
    assert "lead agency" in task and "deadline" in task and "person in charge" in task
    assert Programme.objects.get(pk=programme.pk).status == ProgrammeStatus.DRAFT


def test_a_target_in_the_wrong_unit_or_out_of_range_is_refused(
    phutho_officer: Any, indicator: Any
) -> None:
    programme = make.draft(phutho_officer)
    for typed, field in (
        ("95 hồ sơ", "target-2025"),
        ("150", "target-2025"),
        ("12 tỷ đồng", "target-2025"),
    ):
        with pytest.raises(ValidationError) as refused:
            actions.add_goal(
                acting_user=phutho_officer,
                programme=programme,
                data=actions.GoalInput(
                    name="Hồ sơ trực tuyến",
                    indicator=indicator.code,
                    baseline="45",
                    targets={2025: typed},
                    source="Hệ thống",
                ),
            )
        assert field in _refusal(refused.value), typed
    with pytest.raises(ValidationError) as refused:
        actions.add_goal(
            acting_user=phutho_officer,
            programme=programme,
            data=actions.GoalInput(name="Sai đơn vị", indicator=indicator.code, unit="hồ sơ"),
        )
    assert "unit" in _refusal(refused.value)
    assert not programme.goals.exists()
    goal = actions.add_goal(
        acting_user=phutho_officer,
        programme=programme,
        data=actions.GoalInput(
            name="Đúng đơn vị",
            indicator=indicator.code,
            baseline="45,5 %",
            targets={2025: "60%", 2026: "72,25"},
            source="Hệ thống",
        ),
    )
    assert [str(t.value) for t in goal.targets.all()] == ["60.000000", "72.250000"]


def test_someone_not_entitled_is_refused(
    phutho_officer: Any, phutho_leader: Any, dienbien_leader: Any, indicator: Any
) -> None:
    programme = make.complete_programme(phutho_officer, indicator)
    with pytest.raises(PermissionDenied):
        actions.submit_programme(acting_user=phutho_officer, programme=programme)
    with pytest.raises(PermissionDenied):
        actions.submit_programme(acting_user=dienbien_leader, programme=programme)
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    # The owner does not review its own programme; nor does another province.
    for user in (phutho_leader, dienbien_leader):
        with pytest.raises(PermissionDenied):
            actions.add_comment(
                acting_user=user, programme=programme, section="goals", text="Tự duyệt"
            )
        with pytest.raises(PermissionDenied):
            actions.return_programme(
                acting_user=user, programme=programme, comments=[("goals", "Tự trả lại")]
            )
    assert not programme.comments.exists()
    assert Programme.objects.get(pk=programme.pk).status == ProgrammeStatus.SUBMITTED


def test_the_review_returns_with_comments_then_approves_a_baseline(
    phutho_officer: Any, phutho_leader: Any, coordinator: Any, indicator: Any
) -> None:
    programme = make.complete_programme(phutho_officer, indicator, tasks=3)
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    assert programme.reviewer is not None and programme.reviewer.code == "BKHCN"
    # Returning without a comment is refused; with one per section it is kept per section.
    with pytest.raises(ValidationError):
        actions.return_programme(acting_user=coordinator, programme=programme)
    actions.return_programme(
        acting_user=coordinator,
        programme=programme,
        comments=[("goals", "Bổ sung mục tiêu năm 2027."), ("tasks", "Nêu rõ người phụ trách.")],
    )
    assert programme.status == ProgrammeStatus.RETURNED
    assert sorted(programme.comments.values_list("section", flat=True)) == ["goals", "tasks"]
    with pytest.raises(TransitionNotAllowed):
        actions.approve_programme(
            acting_user=coordinator,
            programme=programme,
            decision_number="1/QĐ-UBND",
            decision_date=date(2025, 1, 15),
        )
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    # The checklist must be answered and met before approval.
    with pytest.raises(ValidationError) as refused:
        actions.approve_programme(
            acting_user=coordinator,
            programme=programme,
            decision_number="1234/QĐ-UBND",
            decision_date=date(2025, 1, 15),
        )
    assert any(key.startswith("check-") for key in _refusal(refused.value))
    make.approve(coordinator, programme)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.APPROVED
    assert ProgrammeVersion.objects.filter(programme=programme, number=1).exists()
    # Its tasks are directive tasks, in every task list.
    assigned = Task.objects.filter(directive=programme.directive)
    assert assigned.count() == 3
    assert set(
        ProgrammeTask.objects.filter(programme=programme).values_list("task", flat=True)
    ) == set(assigned.values_list("pk", flat=True))
    # Its goals are the catalogue's approved targets for the owner.
    targets = Target.objects.filter(indicator=indicator, agency=programme.owner)
    assert sorted((t.year, t.state) for t in targets) == [
        (2025, TargetState.APPROVED),
        (2026, TargetState.APPROVED),
    ]


def test_goals_feed_the_forecasts(
    phutho_officer: Any, phutho_leader: Any, coordinator: Any, indicator: Any
) -> None:
    programme = make.complete_programme(phutho_officer, indicator)
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    make.approve(coordinator, programme)
    recompute_forecasts(acting_user=None)
    forecasts = Forecast.objects.filter(target__indicator=indicator, agency=programme.owner)
    assert forecasts.count() == 2  # one per yearly target, "too little data" here


def test_a_new_version_needs_a_reason_and_revises_the_targets(
    phutho_officer: Any, phutho_leader: Any, coordinator: Any, indicator: Any
) -> None:
    programme = make.complete_programme(phutho_officer, indicator)
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    make.approve(coordinator, programme)
    with pytest.raises(TransitionNotAllowed):
        actions.add_task(
            acting_user=phutho_officer,
            programme=programme,
            data=actions.TaskInput(content="Việc mới"),
        )
    with pytest.raises(ValidationError):
        actions.open_revision(acting_user=phutho_leader, programme=programme, reason="  ")
    actions.open_revision(
        acting_user=phutho_leader, programme=programme, reason="Điều chỉnh mục tiêu năm 2026."
    )
    assert programme.version == 2 and programme.status == ProgrammeStatus.DRAFT
    goal = programme.goals.get()
    goal.targets.filter(year=2026).update(value=80)
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    make.approve(coordinator, programme, number="1300/QĐ-UBND", day=date(2025, 6, 1))
    target = Target.objects.get(indicator=indicator, agency=programme.owner, year=2026)
    assert target.value == 80 and target.baseline_value == 70
    assert target.revisions.get().reason == "Điều chỉnh mục tiêu năm 2026."
    assert list(programme.versions.values_list("number", "reason")) == [
        (1, ""),
        (2, "Điều chỉnh mục tiêu năm 2026."),
    ]


def test_a_newly_submitted_programme_joins_the_clusters_incrementally(
    phutho_officer: Any,
    phutho_leader: Any,
    dienbien_officer: Any,
    dienbien_leader: Any,
    coordinator: Any,
    indicator: Any,
) -> None:
    first = make.complete_programme(phutho_officer, indicator, tasks=2)
    actions.submit_programme(acting_user=phutho_leader, programme=first)
    actions.detect_overlaps(acting_user=coordinator)  # the index: Phú Thọ's tasks alone
    assert not OverlapPair.objects.exists()
    second = make.complete_programme(
        dienbien_officer, indicator, owner="UBND-T11", lead="SO-11-YT", tasks=2
    )
    actions.submit_programme(acting_user=dienbien_leader, programme=second)
    run = OverlapRun.objects.defer("index").first()
    assert run is not None and run.incremental
    pair = OverlapPair.objects.select_related("a", "b").get()
    owners = {
        ProgrammeTask.objects.get(pk=doc.ref).programme.owner.code for doc in (pair.a, pair.b)
    }
    assert owners == {"UBND-T25", "UBND-T11"}
    assert pair.score >= 0.425 and "sức khỏe" in pair.shared_terms
