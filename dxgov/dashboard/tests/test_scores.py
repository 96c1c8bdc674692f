"""Decision 766 in the command centre: the ranking block (order, group scores, links), the map
coloured by the index, a dossier batch publishing to the change feed in its transaction, and
dossier sources that stopped sending data among the early warnings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.dashboard import feed, sources
from dxgov.dashboard.models import ChangeFeed, ChangeKind
from dxgov.demo import scoring as demo
from dxgov.demo.dossiers import catalogue, dossiers
from dxgov.demo.dossiers import sources as source_plans
from dxgov.demo.scoring_generation import agency_refs
from dxgov.dossiers.models import SourceSystem
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

SEED = 7


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def scored(db: Any) -> date:
    """Generated dossiers of three provinces for last month, received batch by batch."""
    month = last_month(timezone.localdate())
    refs = agency_refs(["25", "11", "79"], ministries=False)
    procs = catalogue(SEED)
    pairs = list(
        dossiers(
            refs,
            procs,
            year=month.year,
            scale=0.0004,
            seed=SEED,
            until=month.replace(day=28),
            months=[month.month],
        )
    )
    demo.ingest(procs, source_plans(refs, SEED), pairs, batch=500, prefix="dash")
    return month


def test_ranking_block_orders_provinces_and_links_scorecards(
    scored: date, phutho_viewer: User
) -> None:
    ranking = sources.ranking_766()
    assert ranking.period is not None and ranking.period.start == scored
    codes = [row.code for row in ranking.rows]
    assert set(codes) == {"UBND-T25", "UBND-T11", "UBND-T79"}
    totals = [row.total for row in ranking.rows]
    assert totals == sorted(totals, reverse=True)
    client = client_for(phutho_viewer)
    body = text(client.get("/dashboard/?block=ranking"))
    label = ranking.period.code
    # Rows in rank order, each linking to the province's scorecard for that month (scores are
    # national: a Phú Thọ viewer sees all three).
    positions = [body.index(f'href="/scores/units/{code}/?period={label}"') for code in codes]
    assert positions == sorted(positions)
    assert "Số hóa" in body or "Digitisation" in body  # a group column
    first = ranking.rows[0]
    assert f"{float(first.total):.2f}".replace(".", ",") in body
    assert client.get("/dashboard/").status_code == 200


def test_map_colours_provinces_by_the_766_index(scored: date, phutho_viewer: User) -> None:
    body = text(client_for(phutho_viewer).get("/dashboard/map/?show=score766"))
    ranking = sources.ranking_766()
    for row in ranking.rows:
        assert f'href="/scores/units/{row.code}/?period={ranking.period.code}"' in body
    assert 'value="score766"' in body  # the chooser offers it


def test_a_dossier_batch_publishes_scores_to_the_feed(db: Any, coordinator: User) -> None:
    before = feed.latest_id()
    month = last_month(timezone.localdate())
    refs = agency_refs(["25"], ministries=False)
    procs = catalogue(SEED)
    pairs = list(
        dossiers(
            refs, procs, year=month.year, scale=0.0003, seed=SEED,
            until=month.replace(day=28), months=[month.month],
        )
    )  # fmt: skip
    demo.ingest(procs, source_plans(refs, SEED), pairs, batch=100000, prefix="feed")
    rows = list(ChangeFeed.objects.filter(id__gt=before))
    assert len(rows) == 1  # one batch, one event
    assert rows[0].kind == ChangeKind.SCORES and rows[0].blocks == ["ranking"]
    assert rows[0].agency_path == ""  # national: every open dashboard hears it
    response = client_for(coordinator).get(f"/dashboard/events?after={before}")
    stream = b"".join(response.streaming_content).decode()
    assert f"id: {rows[0].id}\nevent: change\n" in stream
    assert '"kind": "scores"' in stream and '"blocks": ["ranking"]' in stream


def test_a_resent_batch_publishes_nothing(db: Any) -> None:
    month = last_month(timezone.localdate())
    refs = agency_refs(["25"], ministries=False)
    procs = catalogue(SEED)
    pairs = list(
        dossiers(
            refs, procs, year=month.year, scale=0.0003, seed=SEED,
            until=month.replace(day=28), months=[month.month],
        )
    )  # fmt: skip
    demo.ingest(procs, source_plans(refs, SEED), pairs, batch=100000, prefix="again")
    before = feed.latest_id()
    demo.ingest(procs, source_plans(refs, SEED), pairs, batch=100000, prefix="again")
    assert feed.latest_id() == before


def test_stopped_sources_are_warned_with_a_link(scored: date, phutho_leader: User) -> None:
    phutho = SourceSystem.objects.get(owner__code="UBND-T25")
    dienbien = SourceSystem.objects.get(owner__code="UBND-T11")
    long_ago = timezone.now() - timedelta(days=9)
    SourceSystem.objects.filter(pk__in=[phutho.pk, dienbien.pk]).update(
        last_contact_at=long_ago, created_at=long_ago
    )
    phutho.batches.update(received_at=long_ago)
    dienbien.batches.update(received_at=long_ago)
    body = text(client_for(phutho_leader).get("/dashboard/agency/UBND-T25/?block=warnings"))
    assert f'href="/dossiers/sources/{phutho.pk}/"' in body
    assert phutho.code in body
    # Điện Biên's source is outside a Phú Thọ leader's scope.
    assert f'href="/dossiers/sources/{dienbien.pk}/"' not in body
    # HCM's source sent its batches today: not stopped.
    hcm = SourceSystem.objects.get(owner__code="UBND-T79")
    assert hcm.code not in body
