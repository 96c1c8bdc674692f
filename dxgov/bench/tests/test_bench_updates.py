"""`dxgov bench updates` runs end to end on a tiny size and leaves no dossier behind
(figures not judged)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from dxgov.bench import common as bench
from dxgov.dossiers.models import Dossier


@pytest.mark.django_db
def test_bench_updates_times_both_phases_and_rolls_back(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "benchmarks.md"
    monkeypatch.setattr(bench, "BENCHMARKS_FILE", output)
    out = io.StringIO()
    call_command("bench", "updates", "--records", "200", "--repeat", "1", stdout=out)
    text = output.read_text()
    assert "<!-- bench:ingest-updates:start -->" in text
    assert "| **CPU, both** |" in text
    assert "run 1: " in out.getvalue()
    # The dossiers written and rewritten were rolled back.
    assert not Dossier.objects.filter(code__startswith="U0-").exists()
