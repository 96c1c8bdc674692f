"""The demo's programmes through the actions: several ministries and provinces, each with a
breakthrough, 3–6 goals on catalogue indicators and 10–30 tasks; one returned with comments;
and the deliberate overlaps, which the detector finds as clusters."""

from __future__ import annotations

from typing import Any

import pytest

from dxgov.demo.indicators import load_indicator_demo
from dxgov.demo.programmes import load_programme_demo
from dxgov.programmes.models import (
    OverlapCluster,
    OverlapDocument,
    OverlapLabel,
    OverlapPair,
    Programme,
    ProgrammeStatus,
    ProgrammeTask,
)

pytestmark = pytest.mark.django_db


def _cluster_of(content_start: str, agency: str) -> OverlapCluster | None:
    task = ProgrammeTask.objects.get(
        content__startswith=content_start, programme__owner__code=agency
    )
    doc = OverlapDocument.objects.get(kind="p", ref=task.pk)
    pair = OverlapPair.objects.filter(b=doc).first() or OverlapPair.objects.filter(a=doc).first()
    return pair.cluster if pair else None


def test_the_demo_programmes_and_their_planted_overlaps(coordinator: Any) -> None:
    load_indicator_demo()
    counts = load_programme_demo()
    assert counts["programmes"] == 14
    assert load_programme_demo() == {"programmes": 0}  # idempotent
    for programme in Programme.objects.all():
        assert programme.breakthroughs.count() == 1
        assert 3 <= programme.goals.count() <= 6
        assert 10 <= programme.tasks.count() <= 30
    returned = Programme.objects.get(status=ProgrammeStatus.RETURNED)
    assert returned.owner.code == "UBND-T25"
    assert {c.section for c in returned.comments.all()} == {"goals", "tasks", "budget"}
    assert Programme.objects.filter(status=ProgrammeStatus.APPROVED).count() == 11
    # The Ministry of Health's national platform and the provinces building their own: one
    # cluster around the ministry's task, not pairs among the provinces.
    ehr = _cluster_of("Xây dựng nền tảng hồ sơ sức khỏe điện tử của Bộ", "BYT")
    assert ehr is not None
    assert ehr.centre.programme is not None and ehr.centre.programme.owner.code == "BYT"
    assert ehr.size >= 4
    # Two ministries building the civil-status database.
    civil = _cluster_of("Xây dựng cơ sở dữ liệu hộ tịch điện tử", "BTP")
    assert civil is not None
    owners = {
        ProgrammeTask.objects.get(pk=doc.ref).programme.owner.code
        for doc in [civil.centre, *(p.b for p in civil.pairs.all())]
        if doc.kind == "p"
    }
    assert {"BTP", "BCA"} <= owners
    assert OverlapLabel.objects.count() == counts["labelled"] > 0
