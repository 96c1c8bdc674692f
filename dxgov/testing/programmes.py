"""Factories for tests of programmes: every object is made by the actions.

indicator = percent_indicator(coordinator, "PG_TL_HS")
programme = complete_programme(phutho_officer, indicator, tasks=3)
actions.submit_programme(acting_user=phutho_leader, programme=programme)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.models import Indicator, ValueType
from dxgov.orgunits.models import Agency
from dxgov.programmes import actions, rules
from dxgov.programmes.models import Programme

TASKS = (
    "Xây dựng nền tảng hồ sơ sức khỏe điện tử của tỉnh, quản lý thông tin khám chữa bệnh",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính trên địa bàn tỉnh",
    "Bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức trên địa bàn tỉnh",
    "Xây dựng hệ thống học bạ số của tỉnh, lưu trữ kết quả học tập của học sinh",
)


def percent_indicator(user: Any, code: str, owner: str = "BKHCN") -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is not None:
        return found
    return indicator_actions.create_indicator(
        acting_user=user,
        data=indicator_actions.IndicatorInput(
            code=code,
            name=f"Tỷ lệ hồ sơ xử lý trực tuyến ({code})",
            value_type=ValueType.RATIO,
            owner=Agency.objects.get(code=owner),
            unit="%",
            factor=100,
            decimals=2,
            min_value=Decimal(0),
            max_value=Decimal(100),
            periodicity="month",
        ),
    )


def draft(
    user: Any, owner: str = "UBND-T25", title: str = "Đề án chuyển đổi số thử nghiệm"
) -> Programme:
    return actions.create_programme(
        acting_user=user,
        owner=Agency.objects.get(code=owner),
        data=actions.ProgrammeInput(
            title=title,
            start_year=2025,
            end_year=2027,
            summary="Mũi đột phá: y tế số.",
            de06=["population", "vneid"],
            security_plan="Phân loại dữ liệu, mã hóa dữ liệu cá nhân, giám sát SOC.",
            feasibility="Ngân sách tỉnh bố trí; nhân lực của Sở Khoa học và Công nghệ.",
        ),
    )


def complete_programme(
    user: Any,
    indicator: Indicator,
    *,
    owner: str = "UBND-T25",
    lead: str = "SO-25-YT",
    tasks: int = 2,
    title: str = "Đề án chuyển đổi số thử nghiệm",
    texts: tuple[str, ...] = TASKS,
) -> Programme:
    programme = draft(user, owner, title)
    breakthrough = actions.add_breakthrough(
        acting_user=user,
        programme=programme,
        title="Y tế số cho người dân",
        problem="Người dân phải mang sổ giấy khi khám bệnh; đo bằng tỷ lệ hồ sơ trực tuyến.",
        area="digital_government",
    )
    goal = actions.add_goal(
        acting_user=user,
        programme=programme,
        data=actions.GoalInput(
            name="Hồ sơ xử lý trực tuyến",
            indicator=indicator.code,
            baseline="45",
            targets={2025: "60", 2026: "70"},
            source="Hệ thống thông tin giải quyết TTHC của tỉnh",
            breakthrough=breakthrough.pk,
        ),
    )
    for number in range(tasks):
        actions.add_task(
            acting_user=user,
            programme=programme,
            data=actions.TaskInput(
                content=texts[number % len(texts)],
                lead_agency=lead,
                person="Giám đốc Sở",
                deadline=date(2026, 6, 30),
                responsibility="Chủ trì; phối hợp Sở Khoa học và Công nghệ",
                expected_result="Hệ thống đưa vào vận hành",
                category="platform" if number % 2 == 0 else "service",
                de06="health_insurance" if number == 0 else "",
                goal=goal.pk,
                breakthrough=breakthrough.pk,
            ),
        )
    actions.add_budget_line(
        acting_user=user,
        programme=programme,
        year=2025,
        source="local_budget",
        amount="12.500.000.000",
    )
    return programme


def all_met() -> rules.ChecklistAnswers:
    return rules.ChecklistAnswers(met=dict.fromkeys(rules.CHECKLIST_CODES, True))


def approve(
    reviewer: Any, programme: Programme, number: str = "1234/QĐ-UBND", day: date = date(2025, 1, 15)
) -> Programme:
    actions.save_checklist(acting_user=reviewer, programme=programme, answers=all_met())
    return actions.approve_programme(
        acting_user=reviewer, programme=programme, decision_number=number, decision_date=day
    )
