"""`dxgov dossiers …`: file import in chunks with bounded memory, catalogue, source registry."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from dxgov.accounts.models import ApiToken
from dxgov.dossiers.models import Batch, Dossier, Procedure, SourceSystem
from dxgov.dossiers.tests.conftest import bearer, make_record, make_source


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("dossiers", *args, stdout=out)
    return out.getvalue()


def write_ndjson(path: Path, count: int, *, start: int = 0) -> None:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as out:
        for i in range(start, start + count):
            out.write(json.dumps(make_record(f"F{i:07d}")) + "\n")


@pytest.mark.django_db
def test_import_in_chunks_is_resumable(tmp_path: Path, phutho_source: Any) -> None:
    path = tmp_path / "hoso.ndjson.gz"
    write_ndjson(path, 25)
    text = run("import", str(path), "--source", "PT-MOTCUA", "--chunk", "10")
    assert "batches 3 (0 already imported); records 25: new 25" in text
    assert Dossier.objects.count() == 25 and Batch.objects.count() == 3
    assert set(Batch.objects.values_list("channel", flat=True)) == {"file"}
    again = run("import", str(path), "--source", "PT-MOTCUA", "--chunk", "10")
    assert "batches 3 (3 already imported)" in again
    assert Batch.objects.count() == 3


@pytest.mark.django_db
def test_import_csv_and_json(tmp_path: Path, phutho_source: Any) -> None:
    csv_path = tmp_path / "hoso.csv"
    csv_path.write_text(
        "code,procedure_code,agency_code,received_at,updated_at,channel\n"
        "C1,1.1,SO-25-KHCN,2025-07-01T08:00:00+07:00,2025-07-01T09:00:00+07:00,2\n"
        "C2,1.1,UBND-T11,2025-07-01T08:00:00+07:00,2025-07-01T09:00:00+07:00,2\n",
        encoding="utf-8",
    )
    assert "new 1, updated 0, unchanged 0, stale 0, quarantined 1" in run(
        "import", str(csv_path), "--source", "PT-MOTCUA"
    )
    json_path = tmp_path / "hoso.json"
    json_path.write_text(json.dumps({"records": [make_record("J1")]}), encoding="utf-8")
    assert "new 1" in run("import", str(json_path), "--source", "PT-MOTCUA")
    with pytest.raises(CommandError, match="no source system"):
        run("import", str(json_path), "--source", "NOPE")


@pytest.mark.django_db
def test_source_registry_and_tokens() -> None:
    assert "registered" in run(
        "source", "add", "PT-2", "--name", "Một cửa 2", "--owner", "UBND-T25"
    )
    source = SourceSystem.objects.get(code="PT-2")
    assert list(source.agencies.values_list("code", flat=True)) == ["UBND-T25"]
    run("source", "agencies", "PT-2", "SO-25-KHCN,UBND-T25")
    assert "SO-25-KHCN,UBND-T25" in run("source", "list")
    raw = run("token", "PT-2").strip()
    body = {"schema": "dxgov.dossier/1", "batch_id": "x", "records": [make_record("T1")]}
    post = bearer(raw).post(
        "/api/v1/dossiers/batches", json.dumps(body), content_type="application/json"
    )
    assert post.status_code == 201
    run("revoke", "PT-2", ApiToken.objects.get(user=source.user).prefix)
    again = bearer(raw).post(
        "/api/v1/dossiers/batches", json.dumps(body), content_type="application/json"
    )
    assert again.status_code == 401
    run("source", "deactivate", "PT-2")
    assert "inactive" in run("source", "list")
    with pytest.raises(CommandError, match="no agency"):
        run("source", "add", "PT-3", "--name", "x", "--owner", "NOPE")
    with pytest.raises(CommandError, match="Đã có hệ thống nguồn"):  # "exists", in Vietnamese
        run("source", "add", "PT-2", "--name", "x", "--owner", "UBND-T25")


@pytest.mark.django_db
def test_procedure_catalogue_json_and_csv(tmp_path: Path) -> None:
    path = tmp_path / "tthc.json"
    path.write_text(
        json.dumps(
            [
                {
                    "code": "1.001234",
                    "name": "Cấp giấy phép",
                    "level": "province",
                    "owner": "UBND-T25",
                    "online_level": "full",
                    "has_fees": True,
                    "requires_paper_result": "1",
                    "announced_on": "2025-06-01",
                },
                {"code": "2.000001", "name": "Chứng thực bản sao", "level": "commune"},
            ]
        ),
        encoding="utf-8",
    )
    assert "+2 new, 0 updated, 0 unchanged" in run("procedures", str(path))
    assert "+0 new, 0 updated, 2 unchanged" in run("procedures", str(path))
    procedure = Procedure.objects.get(code="1.001234")
    assert procedure.owner is not None and procedure.owner.code == "UBND-T25"
    assert procedure.requires_paper_result and procedure.online_level == "full"
    assert str(procedure.announced_on) == "2025-06-01" and procedure.active
    csv_path = tmp_path / "tthc.csv"
    csv_path.write_text(
        "code,name,level,online_level,has_fees\n2.000001,Chứng thực bản sao,commune,partial,0\n",
        encoding="utf-8",
    )
    assert "+0 new, 1 updated" in run("procedures", str(csv_path))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "X", "name": "Y", "level": "galaxy"}]), encoding="utf-8")
    with pytest.raises(CommandError, match=r"procedures\[0\]\.level"):
        run("procedures", str(bad))


# --- bounded memory ---------------------------------------------------------------------------

PEAK = """
import os, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxgov.test_settings")
import django
django.setup()
from pathlib import Path
from dxgov.dossiers.importer import import_file
from dxgov.dossiers.models import SourceSystem
totals = import_file(Path(sys.argv[1]), SourceSystem.objects.get(code="PT-MOTCUA"), chunk=2000)
print(totals["accepted"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kb(path: Path) -> tuple[int, int]:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(path)],
        env={**os.environ, "DXGOV_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    accepted, peak = done.stdout.split()[-2:]
    return int(accepted), int(peak)


@pytest.mark.django_db(transaction=True)
def test_import_memory_does_not_grow_with_file_size(tmp_path: Path, reference_data: None) -> None:
    make_source("PT-MOTCUA", "UBND-T25")
    small, large = tmp_path / "small.ndjson.gz", tmp_path / "large.ndjson"
    write_ndjson(small, 2_000)
    write_ndjson(large, 16_000, start=100_000)  # about 20 MB of JSON lines
    assert large.stat().st_size > 15 * 1024 * 1024
    small_accepted, small_peak = _peak_kb(small)
    large_accepted, large_peak = _peak_kb(large)
    assert (small_accepted, large_accepted) == (2_000, 16_000)
    # Eight times the records (and the bytes): the peak grows by far less than the file.
    assert large_peak - small_peak < 30 * 1024, (small_peak, large_peak)
