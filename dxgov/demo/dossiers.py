"""Deterministic generated dossiers (hồ sơ TTHC) in the `dxgov.dossier/1` format (pure: no ORM).

Plain values in, plain dicts out. The same seed, year, scale, cut-off day and agency list give
the same records, byte for byte: each (agency, month) draws from its own `random.Random` seeded
with a string (hashed with SHA-512 by Python, so independent of PYTHONHASHSEED), which also makes
one province's records the same whether or not the others are generated.

Volumes and shares follow vietnam-rules §8:
* about 44 M dossiers a year at the 34 provinces at scale 1 (14.5 M in Jul–Oct 2025), spread by a
  province weight (population^1.25, so TP Hồ Chí Minh ≫ Điện Biên, about 45 : 1, as 645k : 15k);
  a quarter at provincial level (the People's Committee and its departments), three quarters at
  the communes; the ministries add about 2 M;
* online submissions about 72 % nationally, varying by province (0.55–0.9);
* on-time processing varying by province (about 0.86–0.995) and slightly lower at communes;
* about 6 % of dossiers get one supplement request, 1 % two (late by rule), a few are withdrawn,
  rejected or stopped; fees on about 40 % of procedures (some all-zero), online payment on part of
  them, ratings on a quarter of finished dossiers, petitions (PAKN) on about 0.4 %.

Source systems: one per province (its one-stop-shop system, covering the People's Committee, the
departments and the communes) and one per ministry. A few are deliberately *incomplete*
(optional fields missing, `channel` null, no due date on part of the dossiers, and a tiny share
without `received_at`, which ingestion must quarantine) and a few are *late*: they show the state
as of several days before the cut-off (a sync delay), so recent dossiers are missing from them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from dxgov.core.calendar import WorkingCalendar, statutory_calendar

SCHEMA = "dxgov.dossier/1"
VN = timezone(timedelta(hours=7))

# Dossiers a year at scale 1 (vietnam-rules §8).
PROVINCES_PER_YEAR = 44_000_000
MINISTRIES_PER_YEAR = 2_000_000
PROVINCIAL_LEVEL_SHARE = 0.25  # the rest is at the communes
COMMITTEE_SHARE_OF_PROVINCIAL = 0.12  # the People's Committee itself, the rest to departments

# Approximate population in millions of the 34 provinces formed on 1 July 2025 (by unit code).
PROVINCE_POPULATION: dict[str, float] = {
    "01": 8.7, "04": 0.55, "08": 1.87, "11": 0.64, "12": 0.49, "14": 1.3, "15": 1.78,
    "19": 1.8, "20": 0.8, "22": 1.4, "24": 3.6, "25": 4.0, "31": 4.7, "33": 3.6,
    "37": 4.4, "38": 3.7, "40": 3.5, "42": 1.6, "44": 1.9, "46": 1.2, "48": 3.1,
    "51": 2.2, "52": 3.6, "56": 2.2, "66": 3.3, "68": 3.9, "75": 4.5, "79": 14.0,
    "80": 3.3, "82": 4.4, "86": 4.3, "91": 4.9, "92": 4.2, "96": 2.6,
}  # fmt: skip

# Month factors (Tết in late January / February is quiet; the year's end is busy).
MONTH_FACTOR = (0.95, 0.7, 1.05, 1.0, 1.0, 1.0, 1.05, 1.05, 1.0, 1.05, 1.05, 1.1)

# Department suffix → the ministry that owns the field's procedures.
FIELDS: dict[str, str] = {
    "VP": "VPCP", "NV": "BNV", "TP": "BTP", "TC": "BTC", "CT": "BCT", "NNMT": "BNNMT",
    "XD": "BXD", "VHTTDL": "BVHTTDL", "KHCN": "BKHCN", "GDDT": "BGDDT", "YT": "BYT",
    "DTTG": "BDTTG", "TTR": "TTCP",
}  # fmt: skip
# Busier departments (justice, construction, agriculture and environment, finance, home affairs).
DEPARTMENT_WEIGHT: dict[str, float] = {
    "TP": 3.0, "XD": 2.5, "NNMT": 3.0, "TC": 2.0, "NV": 1.5, "CT": 1.2, "YT": 1.2,
    "GDDT": 1.0, "VHTTDL": 0.6, "KHCN": 0.4, "VP": 0.5, "DTTG": 0.2, "TTR": 0.2,
}  # fmt: skip

_PROCEDURE_NAMES: dict[str, tuple[str, ...]] = {
    "ministry": (
        "Cấp giấy phép hoạt động",
        "Cấp chứng chỉ hành nghề",
        "Công nhận tổ chức đủ điều kiện",
        "Cấp giấy chứng nhận đăng ký lưu hành",
        "Phê duyệt phương án",
    ),
    "province": (
        "Cấp giấy phép xây dựng",
        "Đăng ký doanh nghiệp",
        "Cấp giấy chứng nhận quyền sử dụng đất",
        "Cấp phiếu lý lịch tư pháp",
        "Cấp giấy phép lái xe",
        "Cấp giấy phép kinh doanh",
        "Thẩm định hồ sơ",
        "Cấp giấy chứng nhận đủ điều kiện",
    ),
    "commune": (
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Chứng thực bản sao từ bản chính",
        "Đăng ký khai tử",
        "Xác nhận tình trạng hôn nhân",
        "Đăng ký thường trú",
        "Chứng thực chữ ký",
    ),
}
_DOCUMENTS = (
    "Tờ khai",
    "Đơn đề nghị",
    "Bản sao giấy tờ tùy thân",
    "Giấy chứng nhận",
    "Bản vẽ thiết kế",
    "Hợp đồng",
    "Giấy ủy quyền",
)
_FEES = ("Lệ phí", "Phí thẩm định", "Phí cấp bản sao")


@dataclass(frozen=True)
class AgencyRef:
    """An implementing agency: `kind` is ministry, province (the People's Committee),
    department or commune; `province` is the unit code ("25") for territorial ones."""

    code: str
    kind: str
    province: str | None = None


@dataclass(frozen=True)
class ProcedureRecord:
    """One administrative procedure (TTHC), with the catalogue fields of the contract."""

    code: str
    name: str
    level: str  # ministry, province, commune
    owner_agency: str | None
    field: str
    online_level: str  # none, partial, full
    has_fees: bool
    fees_integrated: bool
    requires_paper_result: bool
    applicant_type: str  # citizen, business, both
    announced_on: str
    legal_basis_effective_on: str
    published_on: str | None
    content_complete: bool
    population_data_connected: bool
    active: bool
    max_days: int  # the procedure's time limit, in working days (0 with max_hours)
    max_hours: int

    def to_wire(self) -> dict[str, Any]:
        """The catalogue row as INGEST's procedure import reads it (without the time limit)."""
        data = asdict(self)
        data.pop("max_days")
        data.pop("max_hours")
        data["processing_time"] = (
            {"value": self.max_hours, "unit": "hour"}
            if self.max_hours
            else {"value": self.max_days, "unit": "working_day"}
        )
        return data


@dataclass(frozen=True)
class SourcePlan:
    """A source system: which agencies it reports for and how well."""

    code: str
    name: str
    scope: str  # the province unit code or the ministry's agency code
    incomplete: bool
    delay_days: int  # 0 unless late

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Profile:
    """How a province (or ministry) performs: the shares its dossiers are drawn with."""

    online: float
    on_time: float
    digitised: float
    e_result: float
    synced: float
    paid_online: float
    vneid: float


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(part) for part in parts))


# --- the procedure catalogue -------------------------------------------------------------


def catalogue(seed: int, *, per_field: tuple[int, int, int] = (12, 24, 8)) -> list[ProcedureRecord]:
    """The national TTHC catalogue: per field, ministry-, province- and commune-level procedures.

    Full/partial online shares follow §8 (ministries 17 % / 12.8 %, provinces 37 % / 56.2 %).
    """
    rng = _rng("catalogue", seed)
    records: list[ProcedureRecord] = []
    serial = {"1": 0, "2": 0}
    ministries = list(dict.fromkeys([*FIELDS.values(), "BCA", "BQP", "BNG", "NHNN"]))
    fields = [*FIELDS.items(), *((code, code) for code in ("BCA", "BQP", "BNG", "NHNN"))]
    for field, ministry in fields:
        counts = dict(zip(("ministry", "province", "commune"), per_field, strict=True))
        if field not in FIELDS:  # central-only fields: ministry-level procedures only
            counts = {"ministry": per_field[0], "province": 0, "commune": 0}
        for level, count in counts.items():
            for _ in range(count):
                prefix = "2" if level == "commune" else "1"
                serial[prefix] += 1
                code = f"{prefix}.{serial[prefix] + 1000:06d}"
                records.append(_procedure(rng, code, level, field, ministry))
    assert len({r.code for r in records}) == len(records)
    del ministries
    return records


def _procedure(
    rng: random.Random, code: str, level: str, field: str, ministry: str
) -> ProcedureRecord:
    full, partial = (0.17, 0.128) if level == "ministry" else (0.37, 0.562)
    draw = rng.random()
    online_level = "full" if draw < full else "partial" if draw < full + partial else "none"
    has_fees = rng.random() < 0.4
    effective = date(2024, 1, 1) + timedelta(days=rng.randint(0, 600))
    lead = 20 if level == "ministry" else 5
    # Most decisions come out in time (working days ≈ 7/5 calendar days before the effective date).
    announced = effective - timedelta(days=rng.randint(lead * 7 // 5, 60))
    if rng.random() < 0.12:
        announced = effective - timedelta(days=rng.randint(0, lead))
    published: date | None = announced + timedelta(days=rng.randint(0, 9))
    if rng.random() < 0.1:
        published = announced + timedelta(days=rng.randint(10, 40))
    if rng.random() < 0.02:
        published = None
    applicant = rng.choices(("citizen", "business", "both"), (0.5, 0.3, 0.2))[0]
    if level == "commune":
        applicant = "citizen"
    hours = rng.choice((4, 8)) if level == "commune" and rng.random() < 0.3 else 0
    days = (
        0
        if hours
        else rng.choice((1, 3, 5, 7, 10, 15, 20, 30) if level != "commune" else (1, 2, 3, 5))
    )
    return ProcedureRecord(
        code=code,
        name=f"{rng.choice(_PROCEDURE_NAMES[level])} ({code})",
        level=level,
        owner_agency=ministry if level == "ministry" else None,
        field=field,
        online_level=online_level,
        has_fees=has_fees,
        fees_integrated=has_fees and rng.random() < 0.7,
        requires_paper_result=rng.random() < 0.6,
        applicant_type=applicant,
        announced_on=announced.isoformat(),
        legal_basis_effective_on=effective.isoformat(),
        published_on=published.isoformat() if published else None,
        content_complete=rng.random() < 0.94,
        population_data_connected=applicant != "business" and rng.random() < 0.55,
        active=rng.random() < 0.97,
        max_days=days,
        max_hours=hours,
    )


# --- sources and profiles ------------------------------------------------------------------


def province_of(agency: AgencyRef) -> str | None:
    return agency.province


def source_code(agency: AgencyRef) -> str:
    """The source system that reports an agency's dossiers."""
    if agency.province is None:
        return f"HTTT-{agency.code}"
    return f"MCDT-{agency.province}"


def sources(agencies: Iterable[AgencyRef], seed: int) -> list[SourcePlan]:
    """One source per province and per ministry; a few incomplete or late, chosen by the seed."""
    scopes: dict[str, str] = {}
    for agency in agencies:
        scopes.setdefault(source_code(agency), agency.province or agency.code)
    plans = []
    for code, scope in sorted(scopes.items()):
        rng = _rng("source", seed, code)
        draw = rng.random()
        incomplete = draw < 0.09
        delay = rng.randint(3, 10) if 0.09 <= draw < 0.18 else 0
        name = (
            f"Hệ thống thông tin giải quyết TTHC tỉnh/thành phố {scope}"
            if code.startswith("MCDT-")
            else f"Hệ thống thông tin giải quyết TTHC của {scope}"
        )
        plans.append(SourcePlan(code, name, scope, incomplete, delay))
    return plans


def profile(scope: str, seed: int) -> Profile:
    """A province's (or ministry's) performance, drawn once per seed."""
    rng = _rng("profile", seed, scope)
    skill = rng.random()  # one latent quality, so good provinces are good across the board
    return Profile(
        online=min(0.92, 0.55 + 0.3 * skill + rng.uniform(-0.05, 0.05)),
        on_time=min(0.997, 0.86 + 0.13 * skill + rng.uniform(-0.01, 0.01)),
        digitised=0.45 + 0.45 * skill,
        e_result=0.55 + 0.4 * skill,
        synced=0.9 + 0.09 * skill,
        paid_online=0.25 + 0.5 * skill,
        vneid=0.55 + 0.4 * skill,
    )


# --- volumes ------------------------------------------------------------------------------


def annual_volumes(agencies: Sequence[AgencyRef], seed: int) -> dict[str, float]:
    """Expected dossiers a year at scale 1 for each agency."""
    by_province: dict[str, list[AgencyRef]] = {}
    ministries = [a for a in agencies if a.kind == "ministry"]
    for agency in agencies:
        if agency.province is not None:
            by_province.setdefault(agency.province, []).append(agency)
    weights = {p: PROVINCE_POPULATION.get(p, 2.0) ** 1.25 for p in by_province}
    all_weights = sum(PROVINCE_POPULATION.get(p, 2.0) ** 1.25 for p in PROVINCE_POPULATION)
    volumes: dict[str, float] = {}
    for province, members in by_province.items():
        total = PROVINCES_PER_YEAR * weights[province] / all_weights
        departments = [a for a in members if a.kind == "department"]
        communes = [a for a in members if a.kind == "commune"]
        committees = [a for a in members if a.kind == "province"]
        provincial = total * PROVINCIAL_LEVEL_SHARE
        for agency in committees:
            volumes[agency.code] = provincial * COMMITTEE_SHARE_OF_PROVINCIAL / len(committees)
        dept_weights = {
            a.code: DEPARTMENT_WEIGHT.get(a.code.rsplit("-", 1)[-1], 0.5) for a in departments
        }
        dept_total = sum(dept_weights.values()) or 1.0
        for agency in departments:
            share = dept_weights[agency.code] / dept_total
            volumes[agency.code] = provincial * (1 - COMMITTEE_SHARE_OF_PROVINCIAL) * share
        # Communes: a stable lognormal weight each (wards in cities are busier than upland xã).
        commune_weights = {
            a.code: _rng("commune", seed, a.code).lognormvariate(0, 0.6) for a in communes
        }
        commune_total = sum(commune_weights.values()) or 1.0
        for agency in communes:
            volumes[agency.code] = (
                total * (1 - PROVINCIAL_LEVEL_SHARE) * commune_weights[agency.code] / commune_total
            )
    if ministries:
        weights_m = {
            a.code: _rng("ministry", seed, a.code).lognormvariate(0, 0.8) for a in ministries
        }
        total_m = sum(weights_m.values())
        for agency in ministries:
            volumes[agency.code] = MINISTRIES_PER_YEAR * weights_m[agency.code] / total_m
    return volumes


def _count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


# --- dates --------------------------------------------------------------------------------


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start`, same time of day: the statutory holidays skipped as
    the platform's own calendar skips them (`dxgov.core.calendar`), so that dossiers received
    before Tết are due after it, as their sources would say."""
    return _calendar(start.year).add_working_days_at(start, days)


@lru_cache(maxsize=64)
def _calendar(year: int) -> WorkingCalendar:
    return statutory_calendar((year, year + 1))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


# --- dossiers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    seed: int
    year: int
    scale: float
    until: date
    procedures_by_key: dict[tuple[str, str], list[ProcedureRecord]]
    procedures_by_level: dict[str, list[ProcedureRecord]]


def dossiers(
    agencies: Sequence[AgencyRef],
    procedures: Sequence[ProcedureRecord],
    *,
    year: int,
    scale: float,
    seed: int,
    until: date | None = None,
    months: Iterable[int] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source code, record) for every generated dossier, agency by agency, month by month.

    Dossiers are received in `year` up to `until` (default: the year's last day); a late source
    shows the state of `until` minus its delay. `scale` 1 is the national volume (§8).
    """
    last = min(until or date(year, 12, 31), date(year, 12, 31))
    by_key: dict[tuple[str, str], list[ProcedureRecord]] = {}
    by_level: dict[str, list[ProcedureRecord]] = {}
    for procedure in procedures:
        if not procedure.active:
            continue
        by_level.setdefault(procedure.level, []).append(procedure)
        key = procedure.owner_agency if procedure.level == "ministry" else procedure.field
        by_key.setdefault((procedure.level, key or ""), []).append(procedure)
    context = _Context(seed, year, scale, last, by_key, by_level)
    plans = {plan.code: plan for plan in sources(agencies, seed)}
    volumes = annual_volumes(agencies, seed)
    chosen = sorted(set(months or range(1, 13)))
    for agency in agencies:
        plan = plans[source_code(agency)]
        cutoff = last - timedelta(days=plan.delay_days)
        perf = profile(agency.province or agency.code, seed)
        for month in chosen:
            first, end = _month_bounds(year, month)
            if first > cutoff:
                continue
            rng = _rng("dossiers", seed, year, month, agency.code)
            expected = (
                volumes.get(agency.code, 0.0) * scale * MONTH_FACTOR[month - 1] / sum(MONTH_FACTOR)
            )
            count = _count(rng, expected)
            days = (min(end, cutoff) - first).days + 1
            for serial in range(1, count + 1):
                received_day = first + timedelta(days=rng.randrange(days))
                record = _dossier(
                    rng, context, agency, perf, plan, cutoff, received_day, month, serial
                )
                if record is not None:
                    yield plan.code, record


def _candidates(context: _Context, agency: AgencyRef) -> list[ProcedureRecord]:
    if agency.kind == "ministry":
        return context.procedures_by_key.get(
            ("ministry", agency.code)
        ) or context.procedures_by_level.get("ministry", [])
    if agency.kind == "commune":
        return context.procedures_by_level.get("commune", [])
    field = agency.code.rsplit("-", 1)[-1] if agency.kind == "department" else "VP"
    return context.procedures_by_key.get(("province", field)) or context.procedures_by_level.get(
        "province", []
    )


def _dossier(
    rng: random.Random,
    context: _Context,
    agency: AgencyRef,
    perf: Profile,
    plan: SourcePlan,
    cutoff: date,
    received_day: date,
    month: int,
    serial: int,
) -> dict[str, Any] | None:
    procedure = rng.choice(_candidates(context, agency))
    minute = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    received = datetime.combine(received_day, time(minute // 60, minute % 60), VN)
    cutoff_at = datetime.combine(cutoff, time(23, 59, 59), VN)
    commune = agency.kind == "commune"
    # Channel: online only where the procedure is offered online.
    online_share = perf.online * (0.95 if commune else 1.05)
    online = procedure.online_level != "none" and rng.random() < online_share / 0.93
    channel: int | None = 2 if online else (3 if rng.random() < 0.02 else 1)
    submitted = received - timedelta(minutes=rng.randint(5, 60 * 30)) if online else received
    # Time limit and due date.
    if procedure.max_hours:
        due: datetime | None = received + timedelta(hours=procedure.max_hours)
        allowed = timedelta(hours=procedure.max_hours)
        processing_time: dict[str, Any] | None = {"value": procedure.max_hours, "unit": "hour"}
    else:
        due = add_working_days(received, procedure.max_days)
        allowed = due - received
        processing_time = {"value": procedure.max_days, "unit": "working_day"}
    # Outcome.
    history: list[tuple[str, datetime]] = [("received", received)]
    moment = received + timedelta(minutes=rng.randint(1, 120))
    history.append(("processing", moment))
    requests = 0
    draw = rng.random()
    if draw < 0.01:
        requests = 2
    elif draw < 0.07:
        requests = 1
    citizen_time = timedelta(0)
    for _ in range(requests):
        moment += timedelta(hours=rng.randint(2, 48))
        history.append(("supplement_requested", moment))
        pause = timedelta(hours=rng.randint(12, 240))
        if rng.random() < 0.08:  # never completed: processing ends at the open request
            break
        moment += pause
        citizen_time += pause
        history.append(("supplement_completed", moment))
    on_time_share = perf.on_time - (0.02 if commune else 0.0)
    late = rng.random() > on_time_share
    fraction = rng.uniform(1.05, 2.2) if late else rng.uniform(0.15, 0.98)
    end = received + citizen_time + timedelta(seconds=int(allowed.total_seconds() * fraction))
    end = max(end, moment + timedelta(minutes=10))
    ending = rng.random()
    final = "finished"
    if ending < 0.005:
        final = "withdrawn"
    elif ending < 0.015:
        final = "rejected"
    elif ending < 0.018:
        final = "stopped"
    if history[-1][0] != "supplement_requested":
        history.append((final, end))
        if final == "finished" and rng.random() < 0.9:
            history.append(("returned", end + timedelta(hours=rng.randint(1, 72))))
    events = [(status, at) for status, at in history if at <= cutoff_at]
    finished_at = next(
        (
            at
            for status, at in events
            if status in ("finished", "returned", "stopped", "rejected", "withdrawn")
        ),
        None,
    )
    done = finished_at is not None
    e_result = done and final == "finished" and rng.random() < perf.e_result
    digitised = rng.random() < perf.digitised
    documents = [
        {
            "name": name,
            "digitised": digitised and rng.random() < 0.9,
            "from_personal_store": online and rng.random() < 0.2,
        }
        for name in rng.sample(_DOCUMENTS, rng.randint(1, 4))
    ]
    fees: list[dict[str, Any]] = []
    if procedure.has_fees:
        zero = rng.random() < 0.1
        fees = [
            {
                "name": name,
                "amount": 0 if zero else rng.choice((20_000, 50_000, 100_000, 200_000, 500_000)),
            }
            for name in rng.sample(_FEES, rng.randint(1, 2))
        ]
    paying = any(fee["amount"] > 0 for fee in fees)
    paid_online = 0
    if paying and online and rng.random() < perf.paid_online / 0.8:
        paid_online = 1 if rng.random() < 0.6 else 2
    rating = None
    if done and rng.random() < 0.25:
        rating = rng.choices((5, 4, 3, 2, 1), (0.6, 0.25, 0.08, 0.04, 0.03))[0]
    petitions: list[dict[str, Any]] = []
    if rng.random() < 0.004:
        asked = received + timedelta(days=rng.randint(1, 20))
        if asked <= cutoff_at:
            handled = add_working_days(asked, rng.randint(1, 20)) if rng.random() < 0.9 else None
            petitions.append(
                {
                    "received_at": asked.isoformat(),
                    "handled_at": _iso(handled) if handled and handled <= cutoff_at else None,
                    "disliked": rng.random() < 0.15,
                    "recomplained": rng.random() < 0.05,
                }
            )
    last_event = max(
        [events[-1][1], *(datetime.fromisoformat(p["received_at"]) for p in petitions)]
    )
    updated = min(last_event + timedelta(minutes=rng.randint(1, 600)), cutoff_at)
    record: dict[str, Any] = {
        "code": f"{agency.code}-{context.year % 100:02d}{month:02d}-{serial:07d}",
        "procedure_code": procedure.code,
        "agency_code": agency.code,
        "submitted_at": submitted.isoformat(),
        "received_at": received.isoformat(),
        "due_at": _iso(due),
        "finished_at": _iso(finished_at),
        "processing_time": processing_time,
        "channel": channel,
        "filed_on_dvcqg": online and rng.random() < 0.45,
        "status_history": [{"status": status, "at": at.isoformat()} for status, at in events],
        "result_code": f"KQ-{serial:07d}" if e_result else None,
        "result_file_url": f"https://ketqua.example.gov.vn/{agency.code}/{serial}.pdf"
        if e_result
        else None,
        "has_digitised_component": digitised,
        "documents": documents,
        "vneid_authenticated": online and rng.random() < perf.vneid,
        "population_db_code": "CSDLQGDC" if rng.random() < 0.4 else None,
        "fees": fees,
        "paid_online": paid_online,
        "synced_to_dvcqg": rng.random() < (perf.synced - (0.08 if plan.delay_days else 0.0)),
        "rating": rating,
        "petitions": petitions,
        "updated_at": updated.isoformat(),
    }
    if plan.incomplete:
        _degrade(rng, record)
    return record


def _degrade(rng: random.Random, record: dict[str, Any]) -> None:
    """An incomplete source: optional fields missing, and a rare record without a required one."""
    for key in ("submitted_at", "processing_time", "documents", "population_db_code", "rating"):
        record.pop(key, None)
    if record["channel"] == 1:
        record["channel"] = None
    if rng.random() < 0.3:
        record["due_at"] = None
    if rng.random() < 0.002:
        del record["received_at"]


def batches(records: Iterable[dict[str, Any]], size: int, prefix: str) -> Iterator[dict[str, Any]]:
    """Records grouped into `dxgov.dossier/1` batches of `size` (ids `prefix-000001`, …)."""
    chunk: list[dict[str, Any]] = []
    number = 0
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            number += 1
            yield {"schema": SCHEMA, "batch_id": f"{prefix}-{number:06d}", "records": chunk}
            chunk = []
    if chunk:
        number += 1
        yield {"schema": SCHEMA, "batch_id": f"{prefix}-{number:06d}", "records": chunk}
