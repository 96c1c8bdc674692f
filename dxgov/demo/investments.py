"""Demo public-investment portfolio: DX projects across the 17 ministries and 34 provinces,
the 2025 and 2026 plan years with weekly disbursement to date, written through the actions.

Deterministic (seeded per unit) and illustrative. Each unit gets a handful of projects
(platforms, data, infrastructure, cybersecurity, applications, skills) of groups C, B, a few
A and national key ones; an investment decision (some after an investment-policy decision),
milestones, the yearly capital plans (the Prime Minister's part and, in provinces, capital
added locally), a few mid-year additions, cuts and transfers. Every Friday each project's
cumulative disbursement follows the usual slow-then-December-surge curve (planyear's) at its
own pace: most on pace, some slow, some unable to disburse, a few stalled (dispatch 26) and a
few re-baselined with their reasons. Around the year's end estimates come first and actuals
replace them. Most investors enter their figures the day after; some, every time, two weeks
late (Circular 13's 7 working days). Entries carry the moment they were made (`entered_at`).

Idempotent: a project already there is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.investments import actions, planyear, rules, summary
from dxgov.investments.models import Disbursement, InvestmentProject
from dxgov.orgunits.models import Agency, AgencyKind

PLAN_YEARS = (2025, 2026)
MILLION = 1_000_000
BILLION = 1_000_000_000
CHUNK = 40
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
# The demo officers of the cast, by the unit whose figures they enter; elsewhere the demo
# administrator enters them (as the reporting demo does).
OFFICERS = {
    "UBND-T25": "phutho.canbo",
    "UBND-T11": "dienbien.canbo",
    "UBND-T79": "hcm.canbo",
    "BCA": "bca.canbo",
}
ADMIN = "quantri"

NAMES = {
    "infrastructure": (
        "Nâng cấp mạng truyền số liệu chuyên dùng",
        "Xây dựng trung tâm dữ liệu",
        "Hạ tầng điện toán đám mây dùng chung",
    ),
    "platforms": (
        "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)",
        "Hệ thống thông tin giải quyết thủ tục hành chính",
        "Nền tảng quản lý văn bản và điều hành",
    ),
    "data": (
        "Xây dựng cơ sở dữ liệu đất đai",
        "Số hóa hồ sơ, tài liệu lưu trữ",
        "Kho dữ liệu dùng chung và dữ liệu mở",
    ),
    "cybersecurity": (
        "Bảo đảm an toàn thông tin theo cấp độ",
        "Trung tâm giám sát an toàn thông tin (SOC)",
    ),
    "applications": (
        "Ứng dụng dịch vụ công trực tuyến toàn trình",
        "Hệ thống y tế thông minh",
        "Giáo dục số và học bạ điện tử",
        "Đô thị thông minh: trung tâm điều hành",
    ),
    "skills": ("Đào tạo kỹ năng số cho cán bộ, công chức", "Phổ cập kỹ năng số cộng đồng"),
}
MILESTONES = ("Phê duyệt thiết kế chi tiết", "Ký hợp đồng", "Nghiệm thu giai đoạn 1", "Vận hành")
ADJUSTMENTS = (
    "Bổ sung hạng mục an toàn thông tin theo cấp độ",
    "Giãn tiến độ do vướng mắc thủ tục lựa chọn nhà thầu",
    "Điều chỉnh quy mô theo sắp xếp đơn vị hành chính",
)
MOVE_REASON = "Điều chuyển vốn từ dự án không có khả năng giải ngân (Công điện 169/CĐ-TTg)"
STALLED = (
    "Vướng mắc thủ tục đầu tư, chưa phê duyệt điều chỉnh chủ trương",
    "Nhà thầu không đủ năng lực, đang chấm dứt hợp đồng",
)


@dataclass
class Plan:
    """What the demo decides for one project (pure values)."""

    code: str
    name: str
    investor: Agency
    group: str
    category: str
    total: int
    sources: dict[str, int]
    policy_on: date | None
    signed_on: date
    start: date
    end: date
    pace: float
    stalled: bool
    rebaseline: bool
    late: bool
    silent_weeks: int
    plans: dict[int, tuple[int, int]] = field(default_factory=dict)  # year → (total, assigned)


def _round(value: float, step: int = MILLION) -> int:
    return max(0, round(value / step) * step)


def units() -> list[Agency]:
    return list(
        Agency.objects.current()
        .filter(
            parent__code="CP",
            kind__in=[AgencyKind.MINISTRY, AgencyKind.PEOPLE_COMMITTEE],
        )
        .order_by("code")
    )


def _investors(unit: Agency) -> list[Agency]:
    if unit.kind == AgencyKind.MINISTRY:
        return [unit]
    departments = list(
        Agency.objects.current().filter(parent=unit, kind=AgencyKind.DEPARTMENT).order_by("code")
    )
    return [unit, *departments]


def _pace(rng: random.Random) -> tuple[float, bool]:
    draw = rng.random()
    if draw < 0.60:
        return rng.uniform(0.95, 1.10), False
    if draw < 0.88:
        return rng.uniform(0.45, 0.85), False
    if draw < 0.97:
        return rng.uniform(0.05, 0.25), False
    return 0.02, True


def plan_unit(unit: Agency) -> list[Plan]:
    rng = random.Random(f"investments:{unit.code}")
    ministry = unit.kind == AgencyKind.MINISTRY
    count = rng.randint(4, 9) if ministry else rng.randint(6, 11)
    investors = _investors(unit)
    late = rng.random() < 0.12
    plans = []
    for number in range(1, count + 1):
        category = rng.choice(list(NAMES))
        draw = rng.random()
        if ministry and number == 1 and rng.random() < 0.3:
            group, total = "national_key", rng.uniform(2000, 4000) * BILLION
        elif draw < 0.08:
            group, total = "a", rng.uniform(300, 800) * BILLION
        elif draw < 0.45:
            group, total = "b", rng.uniform(46, 200) * BILLION
        else:
            group, total = "c", rng.uniform(8, 44) * BILLION
        total_int = _round(total, 100 * MILLION)
        if ministry:
            oda = _round(total_int * 0.3, 100 * MILLION) if rng.random() < 0.15 else 0
            sources = {"central_budget": total_int - oda, "oda": oda}
        else:
            central = _round(total_int * rng.uniform(0.3, 0.7), 100 * MILLION)
            sources = {"central_budget": central, "local_budget": total_int - central}
        start = date(rng.choice((2024, 2024, 2025)), rng.choice((1, 4, 7)), 1)
        end = date(start.year + rng.choice((2, 2, 3)), 12, 31)
        pace, stalled = _pace(rng)
        investor = rng.choice(investors)
        short = investor.name.replace("Ủy ban nhân dân", "UBND")
        plans.append(
            Plan(
                code=f"DA-{unit.code}-{number:02d}",
                name=f"{rng.choice(NAMES[category])} — {short}",
                investor=investor,
                group=group,
                category=category,
                total=total_int,
                sources={k: v for k, v in sources.items() if v},
                policy_on=start - timedelta(days=rng.randint(300, 420))
                if rng.random() < 0.4
                else None,
                signed_on=start - timedelta(days=rng.randint(30, 120)),
                start=start,
                end=end,
                pace=pace,
                stalled=stalled,
                rebaseline=rng.random() < 0.07,
                late=late,
                silent_weeks=2 if rng.random() < 0.06 else 0,
            )
        )
        for year in PLAN_YEARS:
            if start.year <= year <= end.year:
                share = rng.uniform(0.25, 0.45)
                year_total = _round(total_int * share)
                assigned = (
                    year_total
                    if ministry
                    else _round(year_total * sources["central_budget"] / total_int)
                )
                plans[-1].plans[year] = (year_total, assigned)
    return plans


# --- writing --------------------------------------------------------------------------------


def _moment(day: date, delay_days: int = 1, hour: int = 10) -> datetime:
    moment = timezone.make_aware(datetime.combine(day + timedelta(days=delay_days), time(hour)))
    return min(moment, timezone.now())


def _user_for(unit: Agency, cache: dict[str, User]) -> User:
    username = OFFICERS.get(unit.code, ADMIN)
    if username not in cache:
        cache[username] = User.objects.get(username=username)
    return cache[username]


def _source_split(plan: Plan, year_total: int, assigned: int) -> list[tuple[str, int, int]]:
    """The year's plan by source, in proportion to the decision's sources; the Prime
    Minister's part is the central budget's (and ODA's) share."""
    parts = []
    remaining, remaining_assigned = year_total, assigned
    items = sorted(plan.sources.items())
    for index, (source, amount) in enumerate(items):
        if index == len(items) - 1:
            share, share_assigned = remaining, remaining_assigned
        else:
            share = _round(year_total * amount / plan.total)
            share_assigned = min(share, remaining_assigned) if source != "local_budget" else 0
        if source == "local_budget":
            share_assigned = 0
        parts.append((source, share, min(share_assigned, share)))
        remaining -= share
        remaining_assigned -= min(share_assigned, share)
    return [p for p in parts if p[1] > 0]


def _create(plan: Plan, user: User) -> InvestmentProject:
    project = actions.create_project(
        acting_user=user,
        data=actions.NewProject(
            code=plan.code,
            name=plan.name,
            investor=plan.investor,
            group=plan.group,
            category=plan.category,
            stage="preparation",
        ),
    )
    rng = random.Random(plan.code)
    milestones = []
    span = (plan.end - plan.start).days
    for index, name in enumerate(MILESTONES):
        milestones.append(
            rules.MilestoneInput(name, plan.start + timedelta(days=span * (index + 1) // 5))
        )
    number = rng.randint(100, 2999)
    if plan.policy_on is not None:
        actions.record_decision(
            acting_user=user,
            project=project,
            data=_decision(plan, rules.POLICY, f"{number}/QĐ-CTĐT", plan.policy_on, plan.total),
            entered_at=_moment(plan.policy_on, 2),
        )
    actions.record_decision(
        acting_user=user,
        project=project,
        data=_decision(
            plan, rules.INVESTMENT, f"{number + 1}/QĐ-ĐT", plan.signed_on, plan.total, milestones
        ),
        entered_at=_moment(plan.signed_on, 2 if not plan.late else 16),
    )
    if plan.rebaseline:
        _adjust(plan, project, user, milestones, rng)
    return project


def _decision(
    plan: Plan,
    kind: str,
    number: str,
    signed_on: date,
    total: int,
    milestones: Iterable[rules.MilestoneInput] = (),
    end: date | None = None,
    reason: str = "",
) -> rules.DecisionInput:
    scale = total / plan.total
    sources = {k: _round(v * scale) for k, v in plan.sources.items()}
    first = sorted(sources)[0]
    sources[first] += total - sum(sources.values())
    return rules.DecisionInput(
        kind=kind,
        number=number,
        signed_on=signed_on,
        total=total,
        sources=sources,
        start=plan.start,
        end=end or plan.end,
        milestones=list(milestones),
        reason=reason,
    )


def _adjust(
    plan: Plan,
    project: InvestmentProject,
    user: User,
    milestones: list[rules.MilestoneInput],
    rng: random.Random,
) -> None:
    signed_on = max(
        plan.signed_on + timedelta(days=90), date(2025, rng.randint(5, 10), rng.randint(1, 28))
    )
    total = _round(plan.total * rng.uniform(1.08, 1.3), 100 * MILLION)
    end = date(plan.end.year + 1, 6, 30)
    moved = [
        rules.MilestoneInput(m.name, m.planned_on + timedelta(days=180))
        if m.planned_on and m.planned_on > signed_on
        else m
        for m in milestones
    ]
    actions.record_decision(
        acting_user=user,
        project=project,
        data=_decision(
            plan,
            rules.ADJUSTMENT,
            f"{rng.randint(3000, 3999)}/QĐ-ĐC",
            signed_on,
            total,
            moved,
            end=end,
            reason=rng.choice(ADJUSTMENTS),
        ),
        entered_at=_moment(signed_on, 3),
    )
    plan.end = end


def _allocate(plan: Plan, project: InvestmentProject, user: User) -> None:
    for year, (year_total, assigned) in sorted(plan.plans.items()):
        decided_on = date(year - 1, 12, 18)
        for source, amount, source_assigned in _source_split(plan, year_total, assigned):
            actions.record_allocation(
                acting_user=user,
                project=project,
                data=rules.AllocationInput(
                    plan_year=year,
                    source=source,
                    kind=rules.INITIAL,
                    amount=amount,
                    assigned=source_assigned,
                    number=f"{1500 + year % 100}/QĐ-TTg"
                    if source != "local_budget"
                    else f"{2100 + year % 100}/QĐ-UBND",
                    decided_on=decided_on,
                ),
                entered_at=_moment(decided_on, 3 if not plan.late else 20),
            )


def _curve(plan: Plan, year: int, project_total: int, today: date) -> list[tuple[date, int]]:
    """The project's cumulative disbursement every Friday of the plan year to date."""
    rng = random.Random(f"{plan.code}:{year}")
    weeks = [w for w in planyear.week_ends(year) if w < today]
    if plan.silent_weeks and year == planyear.current_plan_year(today):
        weeks = weeks[: max(0, len(weeks) - plan.silent_weeks)]
    values, last = [], 0
    for week in weeks:
        share = planyear.usual_share(year, week) * plan.pace * rng.uniform(0.93, 1.05)
        value = min(project_total, _round(project_total * min(share, 1.0)))
        last = max(last, value)
        values.append((week, last))
    return values


def _disbursement_rows(
    plan: Plan, project: InvestmentProject, year: int, today: date
) -> list[actions.DisbursementUpdate]:
    # The plan by source as recorded (after any transfer), which no figure may pass.
    stored = summary.plan_totals(year, [project.pk])
    splits = [
        (s, stored[(project.pk, s)][0], 0) for s in rules.SOURCES if (project.pk, s) in stored
    ]
    year_total = sum(amount for _s, amount, _a in splits)
    rows: list[actions.DisbursementUpdate] = []
    delay = 14 if plan.late else 1
    curve = _curve(plan, year, year_total, today)
    year_end = {planyear.week_ends(year)[-1], date(year, 12, 26)}
    for week, value in curve:
        remaining = value
        for index, (source, amount, _x) in enumerate(splits):
            part = remaining if index == len(splits) - 1 else _round(value * amount / year_total)
            part = min(part, amount)
            remaining -= part
            if week in year_end and part > 0:
                estimate = min(amount, _round(part * 1.04))
                rows.append(
                    actions.DisbursementUpdate(
                        project,
                        year,
                        source,
                        week,
                        rules.ESTIMATE,
                        estimate,
                        entered_at=_moment(week, 0, 17),
                    )
                )
                delay_actual = 9
            else:
                delay_actual = delay
            rows.append(
                actions.DisbursementUpdate(
                    project,
                    year,
                    source,
                    week,
                    rules.ACTUAL,
                    part,
                    entered_at=_moment(week, delay_actual, 16),
                )
            )
    return rows


def _progress(plan: Plan, project: InvestmentProject, user: User, today: date) -> int:
    rng = random.Random(f"{plan.code}:progress")
    made = 0
    first = max(plan.start, date(today.year, today.month, 1) - timedelta(days=120)).replace(day=1)
    month = first
    percent = 0.0
    total_days = max(1, (plan.end - plan.start).days)
    while month < today.replace(day=1):
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        done = (month_end - plan.start).days / total_days
        percent = max(percent, round(min(99.0, 100 * done * min(1.0, plan.pace + 0.1)), 1))
        causes: list[str] = []
        if plan.pace < 0.85:
            causes = rng.sample(["procedures", "site_clearance", "capacity", "late_capital"], 2)
        uploads = []
        if rng.random() < 0.08:
            uploads = [actions.Upload(f"anh-hien-truong-{month:%m-%Y}.png", PNG)]
        actions.save_progress(
            acting_user=user,
            project=project,
            data=rules.ProgressInput(
                month=month,
                as_of=month_end,
                percent=str(percent).replace(".", ","),
                accepted=_round(plan.total * percent / 100 * 0.9),
                causes=causes,
            ),
            uploads=uploads,
            entered_at=_moment(month_end, 3 if not plan.late else 15),
        )
        made += 1
        month = month_end + timedelta(days=1)
    return made


def _milestones(plan: Plan, project: InvestmentProject, user: User, today: date) -> int:
    rng = random.Random(f"{plan.code}:milestones")
    made = 0
    for milestone in actions.current_milestones(project):
        reached = milestone.planned_on + timedelta(days=rng.randint(-10, 60))
        if plan.pace < 0.5 or reached >= today or reached < plan.start:
            break
        project.refresh_from_db()
        actions.record_milestone(
            acting_user=user, project=project, name=milestone.name, achieved_on=reached
        )
        made += 1
    return made


def _schedule(plan: Plan, project: InvestmentProject, user: User, year: int) -> None:
    year_total = plan.plans[year][0]
    final = planyear.USUAL_CURVE[-1]
    months = [_round(year_total * share / final) for share in planyear.USUAL_CURVE]
    months[-1] = year_total
    actions.set_schedule(acting_user=user, project=project, plan_year=year, months=months)


def _moves(projects: dict[str, tuple[Plan, InvestmentProject]], user_of: Any) -> int:
    """Capital moved in 2026 (dispatch 169): from projects unable to disburse to projects on
    pace of the same unit; an addition to a few good ones; a cut to some stalled ones."""
    moved = 0
    by_unit: dict[int, list[tuple[Plan, InvestmentProject]]] = {}
    for plan, project in projects.values():
        if 2026 in plan.plans:
            by_unit.setdefault(project.managing_agency_id, []).append((plan, project))
    for members in by_unit.values():
        unable = [m for m in members if m[0].pace < 0.3]
        good = [m for m in members if m[0].pace >= 0.95]
        if unable and good:
            giver_plan, giver = unable[0]
            taker_plan, taker = good[0]
            source = sorted(giver_plan.sources)[0]
            if source not in taker_plan.sources:
                continue
            amount = _round(giver_plan.plans[2026][0] * 0.3)
            user = user_of(giver)
            actions.record_allocation(
                acting_user=user,
                project=giver,
                data=rules.AllocationInput(
                    plan_year=2026,
                    source=source,
                    kind=rules.TRANSFER,
                    amount=amount,
                    assigned=0,
                    number="1650/QĐ-TTg",
                    decided_on=date(2026, 9, 25),
                    reason=MOVE_REASON,
                ),
                receiver=taker,
                entered_at=_moment(date(2026, 9, 25), 2),
            )
            total, assigned = giver_plan.plans[2026]
            giver_plan.plans[2026] = (total - amount, assigned)
            taker_total, taker_assigned = taker_plan.plans[2026]
            taker_plan.plans[2026] = (taker_total + amount, taker_assigned)
            moved += 1
    return moved


@dataclass
class Loaded:
    projects: int = 0
    skipped: int = 0
    disbursements: int = 0
    progress: int = 0
    milestones: int = 0
    stalled: int = 0
    rebaselined: int = 0
    moves: int = 0


def load_investment_demo(today: date | None = None) -> Loaded:
    """The demo portfolio (idempotent: existing projects are kept as they are)."""
    today = today or timezone.localdate()
    loaded = Loaded()
    users: dict[str, User] = {}
    created: dict[str, tuple[Plan, InvestmentProject]] = {}
    for unit in units():
        user = _user_for(unit, users)
        for plan in plan_unit(unit):
            if InvestmentProject.objects.filter(code=plan.code).exists():
                loaded.skipped += 1
                continue
            project = _create(plan, user)
            _allocate(plan, project, user)
            created[plan.code] = (plan, project)
            loaded.projects += 1
            loaded.rebaselined += int(plan.rebaseline)

    def user_of(project: InvestmentProject) -> User:
        return _user_for(project.managing_agency, users)

    loaded.moves = _moves(created, user_of)
    for year in PLAN_YEARS:
        batch: list[actions.DisbursementUpdate] = []
        batch_user: User | None = None
        for plan, project in created.values():
            if (
                year not in plan.plans
                or Disbursement.objects.filter(project=project).filter(plan_year=year).exists()
            ):
                continue
            user = user_of(project)
            if batch and batch_user is not None and user != batch_user:
                loaded.disbursements += _save(batch_user, batch)
                batch = []
            batch_user = user
            batch.extend(_disbursement_rows(plan, project, year, today))
            if len(batch) > CHUNK * 50:
                loaded.disbursements += _save(user, batch)
                batch = []
        if batch and batch_user is not None:
            loaded.disbursements += _save(batch_user, batch)
    for plan, project in created.values():
        user = user_of(project)
        if 2026 in plan.plans and random.Random(plan.code).random() < 0.5:
            _schedule(plan, project, user, 2026)
        loaded.progress += _progress(plan, project, user, today)
        loaded.milestones += _milestones(plan, project, user, today)
        if plan.stalled:
            actions.set_stalled(
                acting_user=user,
                project=project,
                stalled=True,
                reason=random.Random(plan.code).choice(STALLED),
            )
            loaded.stalled += 1
    return loaded


def _save(user: User, rows: list[actions.DisbursementUpdate]) -> int:
    outcome = actions.save_disbursements(acting_user=user, rows=rows, channel="api")
    return len(outcome.statuses)


def describe(loaded: Loaded) -> str:
    return (
        f"{loaded.projects} projects ({loaded.skipped} already there), "
        f"{loaded.disbursements} disbursed values, {loaded.progress} monthly progress reports, "
        f"{loaded.milestones} milestones reached, {loaded.rebaselined} re-baselined, "
        f"{loaded.stalled} stalled, {loaded.moves} transfers of capital"
    )
