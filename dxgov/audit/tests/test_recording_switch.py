"""Recording is on by default; only a benchmark's audit_disabled() block turns it off."""

from __future__ import annotations

import pytest
from django.db import transaction

from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import audit_disabled, record, recording

pytestmark = pytest.mark.django_db


def _record() -> AuditEvent:
    with transaction.atomic():
        return record(event_type=EventType.ORGUNITS_LOADED, acting_user=None, target_type="t")


def test_recording_is_on_by_default_and_back_on_after_the_benchmark_block() -> None:
    assert recording() is True
    before = AuditEvent.objects.count()
    assert _record().pk is not None
    with audit_disabled():
        assert recording() is False
        unsaved = _record()
    assert unsaved.pk is None and AuditEvent.objects.count() == before + 1
    assert recording() is True
    assert _record().pk is not None and AuditEvent.objects.count() == before + 2


def test_recording_comes_back_on_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), audit_disabled():
        raise RuntimeError("benchmark failed")
    assert recording() is True


def test_application_code_never_switches_recording_off() -> None:
    from pathlib import Path

    import dxgov

    root = Path(dxgov.__file__).parent
    users = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "audit_disabled" in path.read_text(encoding="utf-8") and "tests" not in path.parts
    )
    # Only the switch itself and the benchmarks (dxgov.bench) that measure what auditing costs.
    assert "audit/record.py" in users and "bench/audit.py" in users
    assert all(u == "audit/record.py" or Path(u).parts[0] == "bench" for u in users), users
