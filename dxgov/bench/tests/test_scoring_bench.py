"""`dxgov bench score` runs end to end on a tiny size (figures not judged)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from dxgov.bench import common as bench
from dxgov.dossiers.models import Dossier
from dxgov.dossiers.signals import after_batch, before_write
from dxgov.scoring import deltas
from dxgov.scoring.models import Score


@pytest.mark.django_db
def test_bench_score_loads_copies_recomputes_and_updates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    output = tmp_path / "benchmarks.md"
    monkeypatch.setattr(bench, "BENCHMARKS_FILE", output)
    out = io.StringIO()
    call_command(
        "bench", "score", "--dossiers", "900", "--base", "300", "--repeat", "1", stdout=out
    )
    text = output.read_text()
    assert "Decision 766 scoring" in text and "full recompute" in text
    originals = Dossier.objects.filter(code__startswith="S-").count()
    assert Dossier.objects.filter(code__startswith="S").count() >= 3 * originals > 0
    assert Score.objects.filter(period_kind="month").exists()
    # The timing wrapper is gone and the real hook is back (beside the dashboard's feed).
    assert deltas.apply_batch in after_batch.receivers
    assert deltas.count_replaced in before_write.receivers
    assert not [r for r in after_batch.receivers if "timed" in getattr(r, "__name__", "")]
