"""The dossier generator (pure): deterministic, valid per the contract, shares in §8's ranges."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from dxgov.demo import dossiers as generate
from dxgov.demo.dossiers import AgencyRef
from dxgov.dossiers import schema

AGENCIES = [
    AgencyRef("UBND-T79", "province", "79"),
    *(AgencyRef(f"SO-79-{suffix}", "department", "79") for suffix in generate.FIELDS),
    *(AgencyRef(f"UBND-X79{n:03d}", "commune", "79") for n in range(40)),
    AgencyRef("UBND-T11", "province", "11"),
    *(AgencyRef(f"SO-11-{suffix}", "department", "11") for suffix in generate.FIELDS),
    *(AgencyRef(f"UBND-X11{n:03d}", "commune", "11") for n in range(40)),
    AgencyRef("BCA", "ministry"),
    AgencyRef("BTP", "ministry"),
]
PROCEDURES = generate.catalogue(7)


def _run(seed: int = 7, scale: float = 0.004, **kwargs: object) -> list[tuple[str, dict]]:
    return list(
        generate.dossiers(
            AGENCIES,
            PROCEDURES,
            year=2026,
            scale=scale,
            seed=seed,
            until=date(2026, 6, 30),
            **kwargs,  # type: ignore[arg-type]
        )
    )


def test_same_seed_same_records_and_another_seed_others() -> None:
    first = _run(months=[3])
    assert json.dumps(first) == json.dumps(_run(months=[3]))
    assert json.dumps(first) != json.dumps(_run(seed=8, months=[3]))


def test_a_province_is_the_same_whether_or_not_others_are_generated() -> None:
    alone = [
        pair
        for pair in generate.dossiers(
            [a for a in AGENCIES if a.province == "11"],
            PROCEDURES,
            year=2026,
            scale=0.004,
            seed=7,
            until=date(2026, 6, 30),
            months=[2],
        )
    ]
    together = [pair for pair in _run(months=[2]) if pair[1]["agency_code"].find("11") >= 0]
    assert alone and alone == [p for p in together if p[0] == "MCDT-11"]


def test_records_pass_validation_except_the_deliberately_broken() -> None:
    pairs = _run(months=[1, 2])
    plans = {plan.code: plan for plan in generate.sources(AGENCIES, 7)}
    refused = 0
    for source, record in pairs:
        parsed, errors = schema.validate(record, "r")
        if parsed is None:
            refused += 1
            # only an incomplete source drops a required field (received_at)
            assert plans[source].incomplete and "received_at" not in record, errors
    assert refused <= len(pairs) * 0.01


def test_codes_are_unique_and_each_agency_reports_through_its_own_source() -> None:
    pairs = _run(months=[4])
    codes = [record["code"] for _s, record in pairs]
    assert len(codes) == len(set(codes))
    for source, record in pairs:
        agency = record["agency_code"]
        if agency in ("BCA", "BTP"):
            assert source == f"HTTT-{agency}"
        else:
            assert source == ("MCDT-79" if "79" in agency.split("-")[1] else "MCDT-11")


def test_volumes_and_shares_are_in_the_ranges_of_the_sizing_notes() -> None:
    # Whole provinces (the real number of agencies does not change the province totals).
    pairs = _run(scale=0.002, months=[3, 4, 5])
    by_province = Counter(source for source, _r in pairs)
    assert by_province["MCDT-79"] > 25 * by_province["MCDT-11"]  # HCMC ≫ Điện Biên
    records = [r for _s, r in pairs]
    online = sum(r.get("channel") == 2 for r in records) / len(records)
    assert 0.45 < online < 0.92
    local = [r for s, r in pairs if s.startswith("MCDT-")]
    communes = sum(r["agency_code"].startswith("UBND-X") for r in local) / len(local)
    assert 0.65 < communes < 0.85  # three quarters at the communes
    supplements = [
        sum(s["status"] == "supplement_requested" for s in r["status_history"]) for r in records
    ]
    assert 0.03 < sum(n > 0 for n in supplements) / len(records) < 0.12
    assert any(n >= 2 for n in supplements)
    assert any(r["fees"] for r in records) and any(r["paid_online"] for r in records)
    assert any(r.get("rating") for r in records)
    assert all(r["updated_at"] <= "2026-07-01" for r in records)


def test_profiles_differ_by_province() -> None:
    rates = {generate.profile(code, 7).on_time for code in generate.PROVINCE_POPULATION}
    assert max(rates) - min(rates) > 0.05
    assert all(0.85 <= rate <= 0.997 for rate in rates)


def test_incomplete_sources_miss_fields_and_late_sources_lag() -> None:
    plans = generate.sources(
        [AgencyRef(f"UBND-T{code}", "province", code) for code in generate.PROVINCE_POPULATION]
        + [AgencyRef(code, "ministry") for code in ("BCA", "BTP", "BYT", "BTC", "BXD", "BCT")],
        seed=7,
    )
    assert any(p.incomplete for p in plans) and any(p.delay_days for p in plans)
    record: dict = {"channel": 1, "due_at": "x", "received_at": "y", "submitted_at": "z"}
    generate._degrade(generate._rng("t"), record)
    assert "submitted_at" not in record and record["channel"] is None


def test_late_source_stops_at_its_delay() -> None:
    late = [p for p in generate.sources(AGENCIES, 7) if p.delay_days]
    for plan in late:
        cutoff = date(2026, 6, 30).toordinal() - plan.delay_days
        for source, record in _run(months=[6]):
            if source == plan.code:
                assert date.fromisoformat(record["updated_at"][:10]).toordinal() <= cutoff


def test_catalogue_matches_the_contract_and_online_shares() -> None:
    levels = Counter(p.level for p in PROCEDURES)
    assert set(levels) == {"ministry", "province", "commune"}
    province = [p for p in PROCEDURES if p.level != "ministry"]
    full = sum(p.online_level == "full" for p in province) / len(province)
    assert 0.2 < full < 0.55
    wire = PROCEDURES[0].to_wire()
    for key in ("code", "name", "level", "online_level", "has_fees", "announced_on", "active"):
        assert key in wire
    assert len({p.code for p in PROCEDURES}) == len(PROCEDURES)


def test_batches_split_records() -> None:
    chunks = list(generate.batches(({"n": i} for i in range(5)), 2, "x"))
    assert [len(c["records"]) for c in chunks] == [2, 2, 1]
    assert chunks[0]["schema"] == generate.SCHEMA and chunks[2]["batch_id"] == "x-000003"
