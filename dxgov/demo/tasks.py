"""Deterministic generated directives and tasks for demos and benchmarks (pure: no ORM).

Everything is drawn from one random.Random(seed), so the same seed, day and agency pool give
the same plan. Each generated task is already consistent with the status rules: its status is
what rules.status_on says for its dates (or awaiting confirmation once marked done), done on
time/late is judged against the original deadline, and an approved extension keeps the
original deadline and moves only the working one.

The status mix follows the Government Office's 2025 figures (vietnam-rules §9: 80.3 %
completed, 16.47 % open within deadline, 3.23 % overdue; 1,173 of 9,831 tasks key), with the
on-time share of completed tasks from its 2017 figures (14,068 of 16,051).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dxgov.directives import rules
from dxgov.directives.rules import Status

GENERATED_SINCE = date(2025, 1, 1)

# Shares of all tasks; the rest are completed (on time or late).
OPEN_SHARE = 0.1647
OVERDUE_SHARE = 0.0323
AWAITING_SHARE = 0.004
ON_TIME_OF_COMPLETED = 14068 / 16051
KEY_SHARE = 1173 / 9831
EXTENSION_SHARE = 0.05
COORDINATED_SHARE = 0.3

# Numbers the seed documents use (or cite): never generated.
RESERVED_NUMBERS = frozenset({"155/NQ-CP", "34/CT-TTg", "06/QĐ-TTg", "422/QĐ-TTg", "1911/QĐ-TTg"})


@dataclass(frozen=True)
class AgencyChoice:
    """An agency a generated task may go to, with the days it is in force."""

    code: str
    group: str  # "ministry", "province" or "department"
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class DirectivePlan:
    kind: str
    number: str
    issued_on: date
    title: str


@dataclass(frozen=True)
class TaskPlan:
    directive_number: str
    content: str
    lead: str
    coordinating: tuple[str, ...]
    original_deadline: date | None
    deadline: date | None
    status: Status
    completed_on: date | None
    progress_percent: int
    is_key: bool
    expected_result: str = field(default="")


# kind, symbol, number range, title templates (Vietnamese, as the documents are written).
_KINDS: tuple[tuple[str, str, tuple[int, int], tuple[str, ...]], ...] = (
    (
        "nghi_quyet",
        "NQ-CP",
        (2, 150),
        (
            "Nghị quyết về nhiệm vụ, giải pháp trọng tâm thúc đẩy chuyển đổi số quốc gia",
            "Nghị quyết về đẩy mạnh cải cách thủ tục hành chính gắn với chuyển đổi số",
            "Nghị quyết phiên họp Chính phủ thường kỳ",
        ),
    ),
    (
        "chi_thi",
        "CT-TTg",
        (1, 33),
        (
            "Chỉ thị về đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình",
            "Chỉ thị về tăng cường bảo đảm an toàn thông tin mạng",
            "Chỉ thị về phát triển dữ liệu số phục vụ chỉ đạo, điều hành",
        ),
    ),
    (
        "quyet_dinh",
        "QĐ-TTg",
        (100, 1900),
        (
            "Quyết định ban hành Kế hoạch triển khai chuyển đổi số",
            "Quyết định phê duyệt Đề án phát triển nền tảng số dùng chung",
            "Quyết định ban hành Chương trình hành động về kinh tế số và xã hội số",
        ),
    ),
    (
        "thong_bao_ket_luan",
        "TB-VPCP",
        (10, 600),
        (
            "Thông báo kết luận của Thủ tướng Chính phủ tại cuộc họp về chuyển đổi số",
            "Thông báo kết luận tại Hội nghị về thúc đẩy dịch vụ công trực tuyến",
        ),
    ),
)

_TASKS: tuple[str, ...] = (
    "Hoàn thành số hóa hồ sơ, kết quả giải quyết thủ tục hành chính thuộc phạm vi quản lý",
    "Cung cấp dịch vụ công trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia",
    "Kết nối, chia sẻ dữ liệu với Cơ sở dữ liệu quốc gia về dân cư",
    "Rà soát, cắt giảm, đơn giản hóa thủ tục hành chính, điều kiện kinh doanh",
    "Bảo đảm an toàn thông tin mạng theo cấp độ cho các hệ thống thông tin",
    "Bồi dưỡng, tập huấn kỹ năng số cho cán bộ, công chức, viên chức",
    "Xây dựng, cập nhật cơ sở dữ liệu chuyên ngành và chia sẻ dữ liệu mở",
    "Triển khai nền tảng tích hợp, chia sẻ dữ liệu và kết nối với nền tảng quốc gia",
    "Thúc đẩy thanh toán trực tuyến nghĩa vụ tài chính trong giải quyết thủ tục hành chính",
    "Báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số định kỳ",
    "Xây dựng kế hoạch chuyển đổi số năm tiếp theo",
    "Đưa hệ thống báo cáo chỉ tiêu kinh tế - xã hội lên môi trường số",
)

_RESULTS: tuple[str, ...] = (
    "Báo cáo kết quả gửi Văn phòng Chính phủ",
    "Văn bản trình Thủ tướng Chính phủ",
    "Hệ thống đưa vào vận hành",
    "Kế hoạch được ban hành",
    "",
)

_GROUP_WEIGHTS = {"ministry": 0.4, "province": 0.45, "department": 0.15}


def window(today: date) -> tuple[date, date]:
    """The days generated directives are issued on: from 2025 (or 60 days back) to today."""
    start = min(GENERATED_SINCE, today - timedelta(days=60))
    return start, today


def directive_count(tasks: int) -> int:
    """About 20 directives for the demo's thousands of tasks, fewer for small counts."""
    return 0 if tasks <= 0 else max(1, min(20, -(-tasks // 25)))


def _day_between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def plan_directives(
    rng: random.Random, count: int, today: date, taken: set[str] | None = None
) -> list[DirectivePlan]:
    """`count` directives with numbers not in `taken` (nor the seed documents'), by date."""
    used = set(RESERVED_NUMBERS) | set(taken or ())
    start, end = window(today)
    plans: list[DirectivePlan] = []
    for _ in range(count):
        kind, symbol, (low, high), titles = rng.choice(_KINDS)
        number = f"{rng.randint(low, high):02d}/{symbol}"
        bump = 0
        while number in used:
            # Keep the look of a real number; step past taken ones deterministically.
            bump += 1
            number = f"{high + bump:02d}/{symbol}"
        used.add(number)
        issued = _day_between(rng, start, end - timedelta(days=1) if end > start else end)
        title = f"{rng.choice(titles)} (dữ liệu minh họa)"
        plans.append(DirectivePlan(kind, number, issued, title))
    plans.sort(key=lambda plan: (plan.issued_on, plan.number))
    return plans


class _Pool:
    """The pool's members in force on a day, by group (cached: directives share days)."""

    def __init__(self, pool: Sequence[AgencyChoice]) -> None:
        self.pool = list(pool)
        self.groups = [g for g in _GROUP_WEIGHTS if any(a.group == g for a in self.pool)]
        self.weights = [_GROUP_WEIGHTS[g] for g in self.groups]
        self._cache: dict[tuple[str, date], list[AgencyChoice]] = {}

    def members(self, group: str, day: date) -> list[AgencyChoice]:
        key = (group, day)
        if key not in self._cache:
            found = [a for a in self.pool if a.group == group and a.in_force_on(day)]
            self._cache[key] = found
        return self._cache[key]

    def pick_lead(self, rng: random.Random, day: date) -> AgencyChoice:
        group = rng.choices(self.groups, weights=self.weights)[0]
        members = self.members(group, day)
        if not members:
            members = [a for a in self.pool if a.in_force_on(day)] or self.pool
        return rng.choice(members)


def _pick_status(rng: random.Random) -> Status:
    draw = rng.random()
    if draw < OPEN_SHARE:
        return Status.OPEN
    draw -= OPEN_SHARE
    if draw < OVERDUE_SHARE:
        return Status.OVERDUE
    draw -= OVERDUE_SHARE
    if draw < AWAITING_SHARE:
        return Status.AWAITING_CONFIRMATION
    return Status.DONE_ON_TIME if rng.random() < ON_TIME_OF_COMPLETED else Status.DONE_LATE


def _dates(
    rng: random.Random, status: Status, issued: date, today: date
) -> tuple[Status, date, date, date | None]:
    """(status, original deadline, deadline, completed on) consistent with the rules."""
    extended = rng.random() < EXTENSION_SHARE
    past_days = (today - issued).days  # days strictly before today, from issued on
    if status in {Status.OVERDUE, Status.DONE_LATE} and past_days < 1:
        status = Status.OPEN  # nothing can be late on the day it was issued
    completed: date | None = None
    if status == Status.OPEN:
        deadline = today + timedelta(days=rng.randint(0, 120))
        original = deadline
        if extended and past_days >= 1:
            # An approved extension moved a passed deadline to one still ahead.
            original = _day_between(rng, issued, today - timedelta(days=1))
    elif status == Status.OVERDUE:
        deadline = _day_between(rng, issued, today - timedelta(days=1))
        original = deadline
        if extended and (deadline - issued).days >= 1:
            original = _day_between(rng, issued, deadline - timedelta(days=1))
    elif status == Status.DONE_LATE:
        original = _day_between(rng, issued, today - timedelta(days=1))
        completed = _day_between(rng, original + timedelta(days=1), today)
        deadline = original
        if extended:
            # Extended, yet still late: on time is judged against the original deadline.
            deadline = completed + timedelta(days=rng.randint(0, 30))
    else:  # done on time, or awaiting confirmation
        original = issued + timedelta(days=rng.randint(15, 180))
        deadline = original
        completed = _day_between(rng, issued, min(original, today))
        if extended:
            deadline = original + timedelta(days=rng.randint(7, 60))
    return status, original, deadline, completed


def plan_tasks(
    rng: random.Random,
    count: int,
    directives: Sequence[DirectivePlan],
    pool: Sequence[AgencyChoice],
    today: date,
) -> Iterator[TaskPlan]:
    """`count` tasks spread over `directives`, lazily (bounded memory for large counts)."""
    if count <= 0 or not directives or not pool:
        return
    agencies = _Pool(pool)
    for index in range(count):
        directive = directives[index % len(directives)]
        lead = agencies.pick_lead(rng, directive.issued_on)
        status, original, deadline, completed = _dates(
            rng, _pick_status(rng), directive.issued_on, today
        )
        if status == Status.AWAITING_CONFIRMATION:
            progress = 100
        elif completed is not None:
            status = rules.status_on(deadline, today, completed, original)
            progress = 100
        else:
            status = rules.status_on(deadline, today)
            progress = rng.choice((0, 10, 20, 30, 40, 50, 60, 70, 80, 90))
        coordinating: tuple[str, ...] = ()
        if rng.random() < COORDINATED_SHARE:
            ministries = agencies.members("ministry", directive.issued_on)
            others = [a.code for a in ministries if a.code != lead.code]
            if others:
                picked = rng.sample(others, min(len(others), rng.randint(1, 2)))
                coordinating = tuple(sorted(picked))
        template = rng.choice(_TASKS)
        yield TaskPlan(
            directive_number=directive.number,
            content=f"{template} (nhiệm vụ số {index // len(directives) + 1} theo văn bản "
            f"{directive.number})",
            lead=lead.code,
            coordinating=coordinating,
            original_deadline=original,
            deadline=deadline,
            status=status,
            completed_on=completed,
            progress_percent=progress,
            is_key=rng.random() < KEY_SHARE,
            expected_result=rng.choice(_RESULTS),
        )
