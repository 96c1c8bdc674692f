"""Programme objects for the access matrix (dxgov/core/tests/test_access_matrix.py).

Per province (Phú Thọ, Điện Biên): a complete draft, a submitted programme with its
checklist answered, and an approved one, each with the owner's marker (MX-PT-DEAN /
MX-DB-DEAN) in its title and tasks; the two submitted programmes build the same platform,
so after a full run of the detector there is a pair to label. The bodies below are valid
for the Phú Thọ objects, so an allowed request changes the database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.programmes import actions
from dxgov.programmes.models import OverlapPair
from dxgov.testing import programmes as make

OWNERS = {
    "phutho": ("UBND-T25", "PT", "phutho.canbo", "phutho.lanhdao", "SO-25-YT"),
    "dienbien": ("UBND-T11", "DB", "dienbien.canbo", "dienbien.lanhdao", "SO-11-YT"),
}
MISSING: dict[str, Any] = {
    "pg_pair": 987654321,
    "pg_item": {"pk": 987654321, "item": 987654321},
}


def _texts(tag: str) -> tuple[str, ...]:
    return tuple(f"MX-{tag}-DEAN {text}" for text in make.TASKS)


def _programme(
    state: str, owner: str, coordinator: User, indicator: Any, number: int
) -> tuple[int, int]:
    """A programme of the owner in `state`; (its id, its budget line's id)."""
    code, tag, officer_name, leader_name, lead = OWNERS[owner]
    made = make.complete_programme(
        User.objects.get(username=officer_name),
        indicator,
        owner=code,
        lead=lead,
        tasks=2,
        title=f"MX-{tag}-DEAN đề án {state}",
        texts=_texts(tag),
    )
    line = made.budget_lines.get().pk
    if state != "draft":
        leader = User.objects.get(username=leader_name)
        actions.submit_programme(acting_user=leader, programme=made)
        actions.save_checklist(acting_user=coordinator, programme=made, answers=make.all_met())
    if state == "approved":
        actions.approve_programme(
            acting_user=coordinator,
            programme=made,
            decision_number=f"{number}80/QĐ-UBND",
            decision_date=date(2025, 1, 15),
            today=timezone.localdate(),
        )
    return made.pk, line


def build_programmes_world(coordinator: User) -> dict[str, dict[str, Any]]:
    indicator = make.percent_indicator(coordinator, "MX_PG_TL")
    world: dict[str, dict[str, Any]] = {}
    for number, owner in enumerate(OWNERS, start=1):
        draft, line = _programme("draft", owner, coordinator, indicator, number)
        world[owner] = {
            "programme": draft,
            "pg_item": {"pk": draft, "item": line},
            "programme_submitted": _programme("submitted", owner, coordinator, indicator, number)[
                0
            ],
            "programme_approved": _programme("approved", owner, coordinator, indicator, number)[0],
        }
    actions.detect_overlaps(acting_user=coordinator)
    pair = OverlapPair.objects.order_by("-score").first()
    assert pair is not None, "the two provinces' programmes build the same platform"
    for owner in world.values():
        owner["pg_pair"] = pair.pk
    return world


def goal_body() -> dict[str, Any]:
    return {
        "name": "Mục tiêu ma trận",
        "indicator": "MX_PG_TL",
        "baseline": "40",
        "target-2025": "55",
        "source": "Ma trận",
    }


def task_body() -> dict[str, Any]:
    # No lead agency: a draft's task may lack it (valid for both provinces' drafts).
    return {
        "content": "Nhiệm vụ ma trận phân quyền",
        "person": "Giám đốc Sở",
        "deadline": "30/06/2026",
        "responsibility": "Chủ trì",
        "expected_result": "Hoàn thành",
        "category": "service",
    }


def programme_body() -> dict[str, Any]:
    return {
        "owner": "UBND-T25",
        "title": "Đề án ma trận mới",
        "start_year": "2025",
        "end_year": "2027",
        "de06": ["population"],
        "security_plan": "Bảo mật",
    }


def approve_body() -> dict[str, Any]:
    return {"decision_number": "777/QĐ-UBND", "decision_date": "15/01/2025"}


def approve_api_body() -> dict[str, Any]:
    return {"decision_number": "778/QĐ-UBND", "decision_date": "2025-01-15"}


def checklist_form() -> dict[str, Any]:
    return {f"met-{code}": "yes" for code in make.rules.CHECKLIST_CODES}


def api_programme_body() -> dict[str, Any]:
    return {**programme_body(), "start_year": 2025, "end_year": 2027}


def api_goal_body() -> dict[str, Any]:
    return {
        "name": "Mục tiêu ma trận",
        "indicator": "MX_PG_TL",
        "baseline": "40",
        "targets": {"2025": "55"},
        "source": "Ma trận",
    }


def api_task_body() -> dict[str, Any]:
    body = {**task_body(), "deadline": "2026-06-30"}
    return body


CHECKLIST = make.rules.CHECKLIST_CODES
