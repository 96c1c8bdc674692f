"""Scoring pages, API and exports over generated dossiers: ranking order, ministries apart,
drill-down counts equal list lengths, exports open, scope of the dossier lists."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.demo import scoring as demo
from dxgov.demo.dossiers import AgencyRef, catalogue, dossiers, sources
from dxgov.demo.scoring_generation import agency_refs
from dxgov.orgunits.models import Agency
from dxgov.scoring import actions, reports
from dxgov.scoring.models import OfficialScore, Score
from dxgov.scoring.periods import Period
from dxgov.testing.clients import client_for

SEED = 5
JANUARY = Period("month", date(2026, 1, 1))
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            refs = agency_refs(["25", "11", "79"], ministries=False)
            refs += [AgencyRef("BTP", "ministry"), AgencyRef("BYT", "ministry")]
            procs = catalogue(SEED)
            pairs = list(
                dossiers(
                    refs,
                    procs,
                    year=2026,
                    scale=0.0006,
                    seed=SEED,
                    until=date(2026, 2, 20),
                    months=[1, 2],
                )
            )
            demo.ingest(procs, sources(refs, SEED), pairs, batch=500, prefix="pages")
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _user(name: str) -> User:
    return User.objects.select_related("agency").get(username=name)


@pytest.mark.django_db
def test_ranking_orders_provinces_by_total_and_keeps_ministries_apart(world: None) -> None:
    rows = reports.ranking(JANUARY, "provinces")
    codes = [r.code for r in rows]
    assert set(codes) == {"UBND-T25", "UBND-T11", "UBND-T79"}
    totals = [r.total for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert rows[0].rank == 1
    ministries = reports.ranking(JANUARY, "ministries")
    assert {r.code for r in ministries} == {"BTP", "BYT"}
    page = client_for(_user("phutho.xem")).get("/scores/?period=2026-01")
    text = page.content.decode()
    assert page.status_code == 200 and "UBND-T79" in text and "BTP" not in text.split("<tbody>")[1]
    page = client_for(_user("phutho.xem")).get("/scores/?of=ministries&period=2026-01")
    assert "scores/units/BTP/" in page.content.decode()


@pytest.mark.django_db
def test_ranking_api_matches_the_page_rows(world: None) -> None:
    client = client_for(_user("dienbien.canbo"))
    data = client.get("/api/v1/scores/ranking?period=2026-01").json()
    assert [r["code"] for r in data["rows"]] == [r.code for r in reports.ranking(JANUARY)]
    row = data["rows"][0]
    groups = sum(row[g] for g in reports.GROUPS)
    assert abs(groups - row["total"]) < 0.011
    latest = client.get("/api/v1/scores/ranking?kind=quarter").json()
    assert latest["period"] == "2026Q1"  # the one period code (core.periods)
    assert client.get("/api/v1/scores/ranking?period=2026-13").status_code == 422


@pytest.mark.django_db
def test_unit_page_lists_metrics_weakest_first_with_trend_and_children(world: None) -> None:
    agency = Agency.objects.get(code="UBND-T25")
    report = reports.unit_report(agency, JANUARY)
    shares = [m.share for m in report.metrics]
    assert shares == sorted(shares)
    assert report.children and all(r.code.startswith(("SO-25", "UBND-X")) for r in report.children)
    assert report.rank is not None and report.rank[1] == 3
    assert [p.code for p, _t in report.trend][-1] == "202601"
    page = client_for(_user("dienbien.canbo")).get("/scores/units/UBND-T25/?period=2026-01")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-chart-type="line"' in text
    # A user outside Phú Thọ sees the scorecard but no links to its dossiers.
    assert "/dossiers/?" not in text
    own = client_for(_user("phutho.canbo")).get("/scores/units/UBND-T25/?period=2026-01")
    assert "/scores/units/UBND-T25/dossiers/?" in own.content.decode()


@pytest.mark.django_db
def test_drill_down_counts_equal_the_list_lengths(world: None) -> None:
    client = client_for(_user("phutho.canbo"))
    for code, period in (("UBND-T25", JANUARY), ("UBND-T25", Period("quarter", date(2026, 1, 1)))):
        agency = Agency.objects.get(code=code)
        score = Score.objects.get(
            agency=agency,
            period_kind=period.kind,
            period_start=period.start,
            ruleset=reports.RULESET,
        )
        checked = 0
        for line in reports.unit_report(agency, period).metrics:
            for part, name in (
                ("numerator", line.numerator_field),
                ("denominator", line.denominator_field),
            ):
                if name is None:
                    continue
                listed = reports.dossiers_behind(agency, period, name).count()
                assert listed == score.counts[name], (line.code, part)
                checked += 1
        assert checked >= 15
    answer = client.get(
        "/api/v1/scores/units/UBND-T25/dossiers?period=2026-01&metric=2.1&part=denominator&page_size=500"
    ).json()
    assert answer["count"] == len(answer["items"]) or answer["count"] > 500
    assert set(answer["items"][0]) == {
        "code",
        "procedure_code",
        "agency_code",
        "received_at",
        "end_at",
        "status",
    }
    page = client.get("/scores/units/UBND-T25/dossiers/?period=2026-01&metric=2.1&part=numerator")
    assert page.status_code == 200


@pytest.mark.django_db
def test_dossier_lists_are_scoped(world: None) -> None:
    url = "/scores/units/UBND-T25/dossiers/?period=2026-01&metric=1.4&part=denominator"
    assert client_for(_user("dienbien.canbo")).get(url).status_code == 404
    assert client_for(_user("phutho.skhcn")).get(url).status_code == 404
    assert client_for(_user("vpcp.dieuphoi")).get(url).status_code == 200
    api = "/api/v1/scores/units/UBND-T25/dossiers?period=2026-01"
    assert client_for(_user("dienbien.canbo")).get(api).status_code == 404
    # A metric not counted in dossiers has no list.
    bad = client_for(_user("phutho.canbo")).get(url.replace("1.4", "3.1"))
    assert bad.status_code == 404


@pytest.mark.django_db
def test_exports_open(world: None) -> None:
    client = client_for(_user("phutho.xem"))
    book = load_workbook(
        io.BytesIO(client.get("/scores/export/?period=2026-01&format=xlsx").content)
    )
    sheet = book.active
    assert sheet is not None and sheet.max_row == 4  # header + 3 provinces
    text = client.get("/scores/export/?period=2026-01&format=csv").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 4
    data = json.loads(
        client.get("/scores/export/?period=2026-01&format=json&of=ministries").content
    )
    assert {r["code"] for r in data["rows"]} == {"BTP", "BYT"}
    unit = load_workbook(
        io.BytesIO(client.get("/scores/units/UBND-T25/export/?period=2026-01&format=xlsx").content)
    )
    assert unit.sheetnames[0] and unit.worksheets[0].max_row > 10
    assert client.get("/scores/export/?period=2026-01&format=pdf").status_code == 404


@pytest.mark.django_db
def test_compare_two_units(world: None) -> None:
    client = client_for(_user("phutho.xem"))
    data = client.get("/api/v1/scores/compare?a=UBND-T25&b=UBND-T79&period=2026-01").json()
    assert [u["code"] for u in data["units"]] == ["UBND-T25", "UBND-T79"]
    page = client.get("/scores/compare/?a=UBND-T25&b=BTP&period=2026-01")
    assert page.status_code == 200 and "Bộ Tư pháp" in page.content.decode()


@pytest.mark.django_db
def test_official_scores_are_stored_and_shown_beside_the_computed(world: None) -> None:
    root = Agency.objects.get(code="UBND-T25")
    files = [
        (path.name, path.read_bytes(), json.loads(path.read_bytes()))
        for path in sorted(SAMPLES.glob("month-*.json"))
    ]
    before = AuditEvent.objects.filter(event_type=EventType.OFFICIAL_SCORES_IMPORTED).count()
    result = actions.import_official(
        acting_user=_user("vpcp.dieuphoi"), files=files, root=root, period_label="2026-01"
    )
    assert result.rows > 0 and OfficialScore.objects.filter(agency=root).exists()
    assert (
        AuditEvent.objects.filter(event_type=EventType.OFFICIAL_SCORES_IMPORTED).count()
        == before + 1
    )
    # Sample files are for August 2026 (their requests say so): compare that period.
    period = Period("month", date(2026, 8, 1))
    stored = OfficialScore.objects.filter(agency=root).first()
    assert stored is not None
    period = Period(stored.period_kind, stored.period_start)
    rows = reports.official_vs_computed(root, period)
    assert rows and any(r["official"] is not None for r in rows)


@pytest.mark.django_db
def test_one_period_code_in_links_exports_and_answers(world: None) -> None:
    """The old spelling is read (2026-01, 2026-q1); everything written uses the period code of
    reports (core.periods: 202601, 2026Q1): page links, file names, API answers."""
    client = client_for(_user("vpcp.dieuphoi"))
    for asked in ("2026-01", "202601", "2026-01 "):
        page = client.get("/scores/", {"period": asked}).content.decode()
        links = re.findall(r'(?:href|value)="([^"]*)"', page)
        assert "period=202601" in page
        # The language form sends back the address asked for, as it was asked.
        assert not [link for link in links if "2026-01" in link and "/scores/?period=" not in link]
    unit = client.get("/scores/units/UBND-T25/", {"period": "2026-q1"}).content.decode()
    assert "period=2026Q1" in unit and "2026-Q1" not in unit.replace("period=2026-q1", "")
    export = client.get("/scores/export/", {"period": "2026-01", "format": "csv"})
    assert export["Content-Disposition"].endswith('-202601.csv"')
    answer = client.get("/api/v1/scores/units/UBND-T25", {"period": "2026-q1"}).json()
    assert answer["period"] == "2026Q1"
    assert all(re.fullmatch(r"20\d\dQ[1-4]", p["period"]) for p in answer["trend"])
    for wrong in ("2026S1", "2026-13", "1999"):
        assert client.get("/api/v1/scores/ranking", {"period": wrong}).status_code == 422
