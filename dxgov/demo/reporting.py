"""Demo report definitions, reports and values (idempotent), loaded by `dxgov demo`.

- The national figures the seed documents quote (dxgov.demo.indicators.NATIONAL), entered
  for the periods the sources give on the Government ("CP"), the Ministry of Public Security
  or the State Bank, each value with a comment quoting its source;
- "Báo cáo tình hình chuyển đổi số hằng tháng" (10 indicators) from the 34 provincial
  People's Committees to the Ministry of Science and Technology, from January 2024 to the
  last month whose data window has closed, plus a quarterly and a yearly report;
- Phú Thọ's internal monthly report from its commune People's Committees (since August
  2025, the first month after the communes were formed) to the provincial Committee, whose
  figures add up to the province's, so roll-ups commune → province → nation have data.

Values come from dxgov.demo.reports (deterministic, illustrative). Every write goes
through the actions: definitions by the Ministry's demo coordinator, values saved one report
at a time through save_values (the form's path: validation, version checks, one audit event
per value; a value with a warning is saved with a comment, as a user would), then submitted
and approved by the agency's demo officer and leader, or by the demo administrator where the
agency has no demo staff. Steps carry the moment they happened (`at`), so timeliness is the
generated one: most reports on time, a few late, and in the latest month three provinces
missing (one with a half-filled draft) and two late. The current month's report of Phú Thọ is
a draft for a demo user to finish. In the periods being reported now every demo officer has
work: Phú Thọ's and Hồ Chí Minh City's quarterly reports are still to fill, Điện Biên's
monthly report came back from its leader with the reason, and the demo commune officer's
commune has not sent its report yet (Hồ Chí Minh City's monthly one waits for its leader).
A report that exists already is skipped, so loading again writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.core.roles import Role
from dxgov.demo import reports as generate
from dxgov.demo.indicators import load_indicator_demo
from dxgov.demo.reports import Figures, Place
from dxgov.indicators import validation
from dxgov.indicators.models import Indicator, Periodicity, ValueType
from dxgov.orgunits.agencies import GOVERNMENT, province_committee_code
from dxgov.orgunits.models import Agency, AgencyKind, OrgUnit
from dxgov.reporting import actions
from dxgov.reporting.actions import ValuesRefused
from dxgov.reporting.entry import ValueInput
from dxgov.reporting.models import Report, ReportDefinition, ReportKind
from dxgov.reporting.periods import Frequency, Period, parse_period, period_containing

COORDINATOR = "bkhcn.dieuphoi"
ADMIN = "quantri"
SOURCE = "demo"
PHU_THO = province_committee_code("25")
DIEN_BIEN = province_committee_code("11")
HCMC = province_committee_code("79")
# In the latest closed month: three provinces send nothing (the first keeps a half-filled
# draft), two send late, one is sent and waits for its leader's approval.
MISSING_LATEST = ("UBND-T12", "UBND-T44", "UBND-T96")
LATE_LATEST = (DIEN_BIEN, "UBND-T66")
UNAPPROVED_LATEST = (HCMC,)
# Sent late, then returned by the agency's leader, with the reason: to correct and send again.
RETURNED_LATEST = {
    DIEN_BIEN: (
        "Số hồ sơ trực tuyến giảm mạnh so với tháng trước: đề nghị kiểm tra lại số liệu tại "
        "Trung tâm Phục vụ hành chính công và bổ sung giải trình trước khi gửi lại."
    )
}
# The latest quarter's report not sent yet: for the demo officers to fill in.
QUARTER_TO_FILL = (PHU_THO, HCMC)
LATE_SHARE = 0.04
COMMUNES_SINCE = Period(Frequency.MONTH, 2025, 8)
COMMUNE_MISSING_LATEST = 5
COMMUNE_LATE_LATEST = 3
COMMENT = "Đã kiểm tra: số liệu đúng (số liệu minh họa của bản trình diễn)."

MONTHLY = "BC-CDS-THANG"
QUARTERLY = "BC-CDS-QUY"
YEARLY = "BC-CDS-NAM"
COMMUNES = "PT-CDS-XA-THANG"
_CONTENT_09 = (
    "Chế độ báo cáo định kỳ theo Nghị định 09/2019/NĐ-CP: thời gian chốt số liệu theo Điều 12 "
    "(tháng M: từ ngày 15 tháng M-1 đến ngày 14 tháng M), gửi chậm nhất {days} ngày làm việc "
    "sau ngày chốt số liệu. Số liệu trong bản trình diễn là minh họa."
)


@dataclass(frozen=True)
class DefinitionSpec:
    code: str
    name: str
    frequency: str
    receiving: str
    reporting: str  # "provinces", "phutho-communes" or an agency code
    indicators: tuple[str, ...]
    due_working_days: int = 2
    content: str = ""
    send_method: str = "Hệ thống thông tin báo cáo (điện tử, ký số)"


DEFINITIONS: tuple[DefinitionSpec, ...] = (
    DefinitionSpec(
        MONTHLY,
        "Báo cáo tình hình chuyển đổi số hằng tháng",
        Periodicity.MONTH,
        "BKHCN",
        "provinces",
        (
            "DVC_HS_TIEPNHAN",
            "DVC_HS_TRUCTUYEN",
            "DVC_TL_HS_XLTT",
            "DVC_TL_ND_SUDUNG",
            "DVC_TL_SOHOA",
            "CD_TK_DINHDANH",
            "XHS_NGUOI_TT",
            "XHS_CKS",
            "KTS_KINHPHI",
            "DVC_KETNOI_DVCQG",
        ),
        content="UBND các tỉnh, thành phố báo cáo Bộ Khoa học và Công nghệ. " + _CONTENT_09,
    ),
    DefinitionSpec(
        QUARTERLY,
        "Báo cáo kết quả cung cấp dịch vụ công trực tuyến hằng quý",
        Periodicity.QUARTER,
        "BKHCN",
        "provinces",
        ("DVC_SO_DVCTT", "DVC_TL_HAILONG", "DVC_NHOM_TTHC_06", "DVC_THIETYEU_25"),
        due_working_days=3,
        content="Theo dõi mục tiêu Đề án 06 và QĐ 1565/QĐ-TTg. " + _CONTENT_09,
    ),
    DefinitionSpec(
        YEARLY,
        "Báo cáo kết quả chuyển đổi số năm",
        Periodicity.YEAR,
        "BKHCN",
        "provinces",
        ("DTI_TINH", "KTS_TYTRONG_GRDP", "KTS_VON_DTC"),
        due_working_days=5,
        content="Kỳ năm: từ ngày 15/12 năm trước đến ngày 14/12. " + _CONTENT_09,
    ),
    DefinitionSpec(
        COMMUNES,
        "Báo cáo tình hình chuyển đổi số hằng tháng của UBND cấp xã (tỉnh Phú Thọ)",
        Periodicity.MONTH,
        PHU_THO,
        "phutho-communes",
        generate.COMMUNE_CODES,
        due_working_days=1,
        content="UBND các xã, phường của tỉnh Phú Thọ báo cáo UBND tỉnh; số liệu của tỉnh "
        "tổng hợp từ các xã. " + _CONTENT_09,
    ),
    DefinitionSpec(
        "QG-DVC-NAM",
        "Số liệu quốc gia: người dân sử dụng dịch vụ công trực tuyến",
        Periodicity.YEAR,
        "VPCP",
        GOVERNMENT,
        ("QG_DVC_ND_NAM",),
        content="Số liệu toàn quốc nêu tại các phiên họp (nguồn ghi ở từng chỉ tiêu).",
        send_method="Nhập từ tài liệu",
    ),
    DefinitionSpec(
        "QG-CDS-QUY",
        "Số liệu quốc gia nêu tại Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi số",
        Periodicity.QUARTER,
        "VPCP",
        GOVERNMENT,
        ("QG_DVC_ND_PH2", "QG_HS_TRUCTUYEN", "QG_KTS_DONGGOP"),
        content="Số liệu toàn quốc nêu tại Phiên họp thứ hai (tháng 4/2022).",
        send_method="Nhập từ tài liệu",
    ),
    DefinitionSpec(
        "QG-XHS-NAM",
        "Số liệu quốc gia: chữ ký số của người trưởng thành",
        Periodicity.YEAR,
        "VPCP",
        GOVERNMENT,
        ("QG_CKS_TL",),
        content="Số liệu toàn quốc nêu tại Hội nghị ngày 19/7/2024.",
        send_method="Nhập từ tài liệu",
    ),
    DefinitionSpec(
        "QG-KTS-NAM",
        "Số liệu quốc gia: tăng trưởng kinh tế số",
        Periodicity.YEAR,
        "VPCP",
        GOVERNMENT,
        ("QG_KTS_TANGTRUONG",),
        content="Số liệu toàn quốc nêu tại Hội nghị ngày 19/7/2024 (theo báo cáo của Google).",
        send_method="Nhập từ tài liệu",
    ),
    DefinitionSpec(
        "QG-DD-NAM",
        "Số liệu quốc gia: căn cước và định danh điện tử",
        Periodicity.YEAR,
        "VPCP",
        "BCA",
        ("QG_CCCD_CHIP", "QG_TK_DINHDANH", "QG_TK_DINHDANH_TL"),
        content="Bộ Công an báo cáo; số liệu đến tháng 12/2023 nêu tại Hội nghị ngày 19/7/2024.",
        send_method="Nhập từ tài liệu",
    ),
    DefinitionSpec(
        "QG-TKTT-NAM",
        "Số liệu quốc gia: tài khoản giao dịch thanh toán",
        Periodicity.YEAR,
        "VPCP",
        "NHNN",
        ("QG_TKTT_TL",),
        content="Ngân hàng Nhà nước Việt Nam; số liệu nêu tại Hội nghị ngày 19/7/2024.",
        send_method="Nhập từ tài liệu",
    ),
)


@dataclass(frozen=True)
class Quoted:
    """A national figure as the source quotes it: a percentage, or a number."""

    definition: str
    agency: str
    period: str
    indicator: str
    value: Decimal
    comment: str


_S2, _S3, _C24 = (
    "Phiên họp thứ hai UBQG về CĐS (4/2022)",
    "Phiên họp thứ III (8/8/2022)",
    ("Hội nghị ngày 19/7/2024"),
)
QUOTED: tuple[Quoted, ...] = (
    Quoted("QG-DVC-NAM", GOVERNMENT, "2020", "QG_DVC_ND_NAM", Decimal("1.78"), f"{_S3}: 1,78%."),
    Quoted("QG-DVC-NAM", GOVERNMENT, "2021", "QG_DVC_ND_NAM", Decimal("9.51"), f"{_S3}: 9,51%."),
    Quoted(
        "QG-DVC-NAM",
        GOVERNMENT,
        "2022",
        "QG_DVC_ND_NAM",
        Decimal(18),
        f"{_S3}: 7 tháng năm 2022 mới đạt gần 18% (số liệu 7 tháng, không phải cả năm).",
    ),
    Quoted("QG-CDS-QUY", GOVERNMENT, "2022Q1", "QG_DVC_ND_PH2", Decimal(54), f"{_S2}: gần 54%."),
    Quoted(
        "QG-CDS-QUY",
        GOVERNMENT,
        "2022Q1",
        "QG_HS_TRUCTUYEN",
        Decimal("9.4"),
        f"{_S2}: khoảng 9,4%.",
    ),
    Quoted(
        "QG-CDS-QUY",
        GOVERNMENT,
        "2022Q1",
        "QG_KTS_DONGGOP",
        Decimal(53),
        f"{_S2}: quý I/2022 khoảng 53 tỷ USD (ước tính của Bộ TT&TT).",
    ),
    Quoted("QG-XHS-NAM", GOVERNMENT, "2022", "QG_CKS_TL", Decimal(3), f"{_C24}: từ mức 3%."),
    Quoted(
        "QG-XHS-NAM",
        GOVERNMENT,
        "2024",
        "QG_CKS_TL",
        Decimal("13.5"),
        f"{_C24}: lên 13,5% (giai đoạn 2022 - 2024, số liệu tại thời điểm hội nghị).",
    ),
    Quoted(
        "QG-KTS-NAM",
        GOVERNMENT,
        "2022",
        "QG_KTS_TANGTRUONG",
        Decimal(28),
        f"{_C24}: năm 2022 đạt 28%.",
    ),
    Quoted(
        "QG-KTS-NAM",
        GOVERNMENT,
        "2023",
        "QG_KTS_TANGTRUONG",
        Decimal(19),
        f"{_C24}: năm 2023 đạt 19%.",
    ),
    Quoted(
        "QG-DD-NAM",
        "BCA",
        "2023",
        "QG_CCCD_CHIP",
        Decimal(84_700_000),
        f"{_C24}: đến tháng 12/2023 đã cấp trên 84,7 triệu thẻ CCCD gắn chip.",
    ),
    Quoted(
        "QG-DD-NAM",
        "BCA",
        "2023",
        "QG_TK_DINHDANH",
        Decimal(45_400_000),
        f"{_C24}: kích hoạt 45,4 triệu tài khoản định danh.",
    ),
    Quoted("QG-DD-NAM", "BCA", "2023", "QG_TK_DINHDANH_TL", Decimal("67.5"), f"{_C24}: đạt 67,5%."),
    Quoted(
        "QG-TKTT-NAM",
        "NHNN",
        "2024",
        "QG_TKTT_TL",
        Decimal("87.08"),
        f"{_C24}: đạt 87,08% (tăng thêm 20% so với năm 2020).",
    ),
)


class DemoNotReady(RuntimeError):
    """The reference data or the demo cast is missing: run `dxgov demo`."""


@dataclass
class _Loader:
    today: date
    now: datetime
    seed: int
    indicators: dict[str, Indicator]
    users: dict[str, User]
    counts: Counter[str] = field(default_factory=Counter)
    _staff: dict[tuple[str, str], User] = field(default_factory=dict)

    def staff(self, agency: Agency, role: Role) -> User:
        """The agency's demo officer (or leader), else its province's, else the administrator."""
        key = (agency.code, role.value)
        if key not in self._staff:
            found = (
                User.objects.filter(agency=agency, role=role, is_active=True)
                .order_by("username")
                .first()
            )
            if found is None and agency.kind == AgencyKind.PEOPLE_COMMITTEE and agency.parent:
                parent = agency.parent
                if parent.kind == AgencyKind.PEOPLE_COMMITTEE:
                    found = self.staff(parent, role)
            self._staff[key] = found or self.users[ADMIN]
        return self._staff[key]

    def inputs(self, figures: Figures, comments: dict[str, str]) -> list[ValueInput]:
        items = []
        for code, value in figures.items():
            decimals = self.indicators[code].decimals
            if isinstance(value, tuple):
                items.append(
                    ValueInput(
                        code,
                        numerator=validation.format_number(value[0], decimals),
                        denominator=validation.format_number(value[1], decimals),
                        comment=comments.get(code, ""),
                    )
                )
            else:
                text = validation.format_number(value, decimals)
                items.append(ValueInput(code, value=text, comment=comments.get(code, "")))
        return items

    def save(
        self,
        definition: ReportDefinition,
        agency: Agency,
        period: str,
        figures: Figures,
        comments: dict[str, str] | None = None,
    ) -> Report:
        """Save through the form's path; a value with a warning is saved with a comment."""
        user = self.staff(agency, Role.OFFICER)
        comments = dict(comments or {})
        for _attempt in range(2):
            try:
                outcome = actions.save_values(
                    acting_user=user,
                    definition=definition,
                    agency=agency,
                    period_code=period,
                    inputs=self.inputs(figures, comments),
                    source=SOURCE,
                )
            except ValuesRefused as refused:
                wanting = {
                    code
                    for code, items in refused.findings.items()
                    if any(f.rule == "comment_required" for f in items)
                }
                errors = {
                    code
                    for code, items in refused.findings.items()
                    if any(f.severity == "error" and f.rule != "comment_required" for f in items)
                }
                if errors or not wanting or wanting <= comments.keys():
                    raise
                comments.update(dict.fromkeys(wanting, COMMENT))
                self.counts["comments"] += len(wanting)
                continue
            assert outcome.report is not None
            self.counts["values"] += len(outcome.created) + len(outcome.updated)
            self.counts["reports"] += 1
            return outcome.report
        raise AssertionError("unreachable")  # pragma: no cover

    def send(self, report: Report, timing: generate.Timing) -> Report:
        aware = [
            timezone.make_aware(t) if t is not None else None
            for t in (timing.submitted_at, timing.approved_at)
        ]
        report = actions.submit_report(
            acting_user=self.staff(report.agency, Role.OFFICER), report=report, at=aware[0]
        )
        self.counts["submitted"] += 1
        if aware[1] is not None:
            report = actions.approve_report(
                acting_user=self.staff(report.agency, Role.LEADER), report=report, at=aware[1]
            )
            self.counts["approved"] += 1
        return report

    def report_run(
        self,
        definition: ReportDefinition,
        agency: Agency,
        period: Period,
        figures: Figures,
        *,
        late: bool,
        approve: bool = True,
        returned: str = "",
        existing: set[tuple[int, str]],
    ) -> None:
        """Save, send and (unless `approve` is False or the report is `returned` with that
        reason by the agency's leader) approve one report."""
        if (agency.pk, period.code) in existing:
            self.counts["skipped"] += 1
            return
        report = self.save(definition, agency, period.code, figures)
        due = report.due_date
        report = self.send(
            report,
            generate.timing(
                self.seed,
                agency.code,
                period,
                due,
                self.now,
                late=late,
                approve=approve and not returned,
            ),
        )
        if returned:
            actions.return_report(
                acting_user=self.staff(agency, Role.LEADER), report=report, reason=returned
            )
            self.counts["returned"] += 1
        if late:
            self.counts["late"] += 1


def _users() -> dict[str, User]:
    users = {u.username: u for u in User.objects.select_related("agency")}
    for name in (COORDINATOR, ADMIN):
        if name not in users:
            raise DemoNotReady(f"the demo user {name!r} is missing: run `dxgov demo` first")
    return users


def _definitions(
    coordinator: User, indicators: dict[str, Indicator]
) -> dict[str, ReportDefinition]:
    found = {d.code: d for d in ReportDefinition.objects.all()}
    provinces = list(
        Agency.objects.current()
        .filter(kind=AgencyKind.PEOPLE_COMMITTEE, parent__code=GOVERNMENT)
        .order_by("code")
    )
    for spec in DEFINITIONS:
        if spec.code in found:
            continue
        if spec.reporting == "provinces":
            reporting = provinces
        elif spec.reporting == "phutho-communes":
            reporting = list(
                Agency.objects.current()
                .filter(kind=AgencyKind.PEOPLE_COMMITTEE, parent__code=PHU_THO)
                .order_by("code")
            )
        else:
            reporting = [Agency.objects.get(code=spec.reporting)]
        found[spec.code] = actions.save_definition(
            acting_user=coordinator,
            code=spec.code,
            name=spec.name,
            frequency=spec.frequency,
            receiving_agency=Agency.objects.get(code=spec.receiving),
            reporting_agencies=reporting,
            indicators=[indicators[c] for c in spec.indicators],
            due_working_days=spec.due_working_days,
            content=spec.content,
            kind=ReportKind.PERIODIC,
            send_method=spec.send_method,
        )
    return found


def _places(agencies: Sequence[Agency]) -> dict[str, Place]:
    counts = Counter(
        OrgUnit.objects.filter(level="commune", valid_to__isnull=True).values_list(
            "parent__code", flat=True
        )
    )
    return {
        a.code: Place(a.code, max(1, counts.get(a.orgunit.code if a.orgunit else "", 0)))
        for a in agencies
    }


def closed_periods(frequency: Frequency, first: Period, today: date) -> list[Period]:
    """Periods from `first` whose data window ended before `today`."""
    found = []
    period = first
    while period.cutoff_end < today:
        found.append(period)
        period = period.next()
    return found


def _existing(definition: ReportDefinition) -> set[tuple[int, str]]:
    return set(Report.objects.filter(definition=definition).values_list("agency_id", "period"))


DEFAULT_MONTHS = 12
DEFAULT_COMMUNE_MONTHS = 2
FIRST_YEAR = 2024


def default_first_month(today: date) -> Period:
    """The first month `dxgov demo` loads by default: twelve closed months back."""
    months = closed_periods(Frequency.MONTH, generate.FIRST_MONTH, today)
    return months[-DEFAULT_MONTHS] if len(months) >= DEFAULT_MONTHS else generate.FIRST_MONTH


@transaction.atomic
def load_reporting_demo(
    *,
    today: date,
    now: datetime | None = None,
    seed: int = generate.SEED,
    first_month: Period | None = None,
    commune_months: int = DEFAULT_COMMUNE_MONTHS,
) -> dict[str, int]:
    """Load the demo catalogue, definitions, national figures and generated reports.

    `today` decides the periods: monthly reports from `first_month` (default: the last twelve
    closed months; generate.FIRST_MONTH, January 2024, for the whole history) to the last
    month whose data window has closed, with the quarters from the one `first_month` is in;
    the yearly reports from 2024; the communes' reports for the last `commune_months` months
    (not before August 2025). `now` (naive local time, default the current one) bounds the
    moments reports are sent. Returns counts of what was written.
    """
    now = now or timezone.localtime().replace(tzinfo=None)
    first_month = first_month or default_first_month(today)
    catalogue = load_indicator_demo()
    users = _users()
    indicators = {i.code: i for i in Indicator.objects.all()}
    loader = _Loader(today, now, seed, indicators, users)
    loader.counts.update(catalogue)
    definitions = _definitions(users[COORDINATOR], indicators)
    _load_quoted(loader, definitions)
    provinces = list(definitions[MONTHLY].reporting_agencies.select_related("parent", "orgunit"))
    places = _places(provinces)
    months = closed_periods(Frequency.MONTH, first_month, today)
    latest = months[-1] if months else None
    # Running totals start from the same January 2024 level whatever the first month loaded.
    history = closed_periods(Frequency.MONTH, generate.FIRST_MONTH, today)
    series = {a.code: generate.province_months(seed, places[a.code], history) for a in provinces}

    # Monthly reports of the provinces.
    monthly = definitions[MONTHLY]
    existing = _existing(monthly)
    for period in months:
        for agency in provinces:
            figures = series[agency.code][period.code]
            if period == latest and agency.code in MISSING_LATEST:
                if agency.code == MISSING_LATEST[0] and (agency.pk, period.code) not in existing:
                    half = dict(list(figures.items())[:5])
                    loader.save(monthly, agency, period.code, half)
                    loader.counts["drafts"] += 1
                continue
            late = (
                agency.code in LATE_LATEST
                if period == latest
                else generate._rng(seed, "late", agency.code, period.code).random() < LATE_SHARE
            )
            approve = not (period == latest and agency.code in UNAPPROVED_LATEST)
            returned = RETURNED_LATEST.get(agency.code, "") if period == latest else ""
            loader.report_run(
                monthly,
                agency,
                period,
                figures,
                late=late,
                approve=approve,
                returned=returned,
                existing=existing,
            )
    # The current month's report of Phú Thọ: a draft for a demo user to finish.
    current = period_containing(Frequency.MONTH, today)
    phu_tho = next((a for a in provinces if a.code == PHU_THO), None)
    if phu_tho is not None and (phu_tho.pk, current.code) not in existing:
        run = generate.province_months(seed, places[PHU_THO], [*history, current])
        draft = dict(list(run[current.code].items())[:4])
        loader.save(monthly, phu_tho, current.code, draft)
        loader.counts["drafts"] += 1

    # Quarterly and yearly reports.
    quarterly = definitions[QUARTERLY]
    existing = _existing(quarterly)
    first_quarter = period_containing(Frequency.QUARTER, first_month.start)
    quarters = closed_periods(Frequency.QUARTER, first_quarter, today)
    for period in quarters:
        for agency in provinces:
            if period == quarters[-1] and agency.code in QUARTER_TO_FILL:
                continue
            figures = generate.province_quarter(seed, places[agency.code], period)
            late = generate._rng(seed, "late", agency.code, period.code).random() < LATE_SHARE
            loader.report_run(quarterly, agency, period, figures, late=late, existing=existing)
    yearly = definitions[YEARLY]
    existing = _existing(yearly)
    ranks = {code: i for i, code in enumerate(generate.DTI_2024_LEADERS)}
    for period in closed_periods(Frequency.YEAR, Period(Frequency.YEAR, FIRST_YEAR), today):
        for agency in provinces:
            figures = generate.province_year(
                seed, places[agency.code], period.year, ranks.get(agency.code)
            )
            loader.report_run(yearly, agency, period, figures, late=False, existing=existing)

    # Phú Thọ's communes, split from the province's figures.
    communes_def = definitions[COMMUNES]
    communes = list(communes_def.reporting_agencies.select_related("parent").order_by("code"))
    codes = [c.code for c in communes]
    existing = _existing(communes_def)
    commune_periods = (
        [m for m in months if m >= COMMUNES_SINCE][-commune_months:] if commune_months else []
    )
    step = max(1, len(communes) // COMMUNE_MISSING_LATEST)
    # The communes with a demo officer are among those still to send, so that officer has a
    # report to fill in.
    staffed = set(
        User.objects.filter(agency__in=communes, role=Role.OFFICER).values_list(
            "agency__code", flat=True
        )
    )
    with_officer = [i for i, agency in enumerate(communes) if agency.code in staffed]
    spread = [i for i in range(1, len(communes), step) if i not in with_officer]
    missing = set((with_officer + spread)[:COMMUNE_MISSING_LATEST])
    late_latest = set(
        [i for i in range(2, len(communes)) if i not in missing][:COMMUNE_LATE_LATEST]
    )
    if phu_tho is not None:
        for period in commune_periods:
            split = generate.commune_month(seed, series[PHU_THO][period.code], codes, period)
            for i, agency in enumerate(communes):
                if period == latest and i in missing:
                    continue
                late = (period == latest and i in late_latest) or generate._rng(
                    seed, "late", agency.code, period.code
                ).random() < LATE_SHARE
                loader.report_run(
                    communes_def, agency, period, split[agency.code], late=late, existing=existing
                )
    return dict(loader.counts)


def _load_quoted(loader: _Loader, definitions: dict[str, ReportDefinition]) -> None:
    """The national figures the seeds quote: one report per definition, agency and period."""
    groups: dict[tuple[str, str, str], list[Quoted]] = {}
    for quoted in QUOTED:
        groups.setdefault((quoted.definition, quoted.agency, quoted.period), []).append(quoted)
    for (code, agency_code, period_code), items in groups.items():
        definition = definitions[code]
        agency = Agency.objects.get(code=agency_code)
        if Report.objects.filter(definition=definition, agency=agency, period=period_code).exists():
            loader.counts["skipped"] += 1
            continue
        figures: Figures = {}
        comments = {}
        for item in items:
            indicator = loader.indicators[item.indicator]
            figures[item.indicator] = (
                (item.value, Decimal(100))
                if indicator.value_type == ValueType.RATIO
                else item.value
            )
            comments[item.indicator] = item.comment
        report = loader.save(definition, agency, period_code, figures, comments)
        period = parse_period(period_code)
        loader.send(
            report,
            generate.timing(
                loader.seed, agency_code, period, report.due_date, loader.now, late=False
            ),
        )
        loader.counts["national"] += len(items)


def describe(counts: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
