"""Demo programmes (Directive 34/CT-TTg): the catalogue's five ministries and nine provinces,
written through dxgov.programmes.actions (idempotent: a programme already there is skipped).

Each is drafted by its agency's demo officer (the demo administrator where the agency has
none), submitted by its leader, reviewed by the Ministry of Science and Technology's demo
coordinator (bkhcn.dieuphoi): most are approved (their tasks join the task register, their
goals become targets), Phú Thọ's is returned with comments per section, Điện Biên's waits for
review, Thanh Hóa's is a draft. Then the overlap detector runs over every task, and the
pairs the catalogue's rule can judge (`programme_catalogue.label_of`) among the first shown
are labelled as a reviewer would, so the clusters page shows the reviewers' precision.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from dxgov.accounts.models import User
from dxgov.core.roles import Role
from dxgov.demo import programme_catalogue as catalogue
from dxgov.indicators.models import Indicator
from dxgov.orgunits.agencies import department_code
from dxgov.orgunits.models import Agency
from dxgov.programmes import actions, rules
from dxgov.programmes.models import OverlapPair, Programme, ProgrammeTask

REVIEWER = "bkhcn.dieuphoi"
ADMIN = "quantri"
TASKS_FROM = date(2026, 1, 1)
DECIDED = date(2025, 1, 20)
LABELLED = 12

RETURN_COMMENTS = (
    ("goals", "Bổ sung chỉ tiêu năm 2027 cho mục tiêu về số hóa và nêu rõ nguồn số liệu."),
    (
        "tasks",
        "Nhiệm vụ xây dựng hồ sơ sức khỏe điện tử của tỉnh trùng với nền tảng quốc gia của Bộ "
        "Y tế: chuyển sang kết nối, đồng bộ dữ liệu với nền tảng quốc gia.",
    ),
    ("budget", "Tách kinh phí theo nguồn ngân sách tỉnh và nguồn hỗ trợ của trung ương."),
)


def _staff(agency: Agency, role: Role) -> User:
    found = User.objects.filter(agency=agency, role=role, is_active=True).order_by("pk").first()
    return found or User.objects.get(username=ADMIN)


def _lead(spec: catalogue.ProgrammeSpec, task: catalogue.TaskSpec) -> str:
    if spec.kind == "province" and task.lead:
        return department_code(spec.owner.removeprefix("UBND-T"), task.lead)
    return spec.owner


def _write(spec: catalogue.ProgrammeSpec, owner: Agency, officer: User) -> Programme:
    programme = actions.create_programme(
        acting_user=officer,
        owner=owner,
        data=actions.ProgrammeInput(
            title=spec.title,
            start_year=2025,
            end_year=2030,
            summary=f"Mũi đột phá: {spec.breakthrough}. Thực hiện Chỉ thị số 34/CT-TTg ngày "
            "16/9/2024 của Thủ tướng Chính phủ (dữ liệu minh họa).",
            de06=list(spec.de06),
            security_plan="Phân loại dữ liệu theo mức độ bí mật; mã hóa dữ liệu cá nhân khi lưu "
            "trữ và truyền; giám sát an toàn thông tin (SOC) 24/7; kiểm tra, đánh giá an toàn "
            "thông tin theo cấp độ trước khi đưa hệ thống vào vận hành (Nghị định 13/2023/NĐ-CP).",
            feasibility="Kinh phí bố trí trong dự toán hằng năm; nhân lực chuyên trách công "
            "nghệ thông tin của cơ quan; ưu tiên thuê dịch vụ công nghệ thông tin.",
        ),
    )
    breakthrough = actions.add_breakthrough(
        acting_user=officer,
        programme=programme,
        title=spec.breakthrough,
        problem=spec.problem,
        area=spec.area,
    )
    goals = []
    for goal in spec.goals:
        goals.append(
            actions.add_goal(
                acting_user=officer,
                programme=programme,
                data=actions.GoalInput(
                    name=Indicator.objects.filter(code=goal.indicator)
                    .values_list("name", flat=True)
                    .first()
                    or goal.indicator,
                    indicator=goal.indicator,
                    baseline=str(goal.baseline),
                    targets={year: str(value) for year, value in goal.targets},
                    source=goal.source,
                    breakthrough=breakthrough.pk,
                ),
            )
        )
    for task in spec.tasks:
        topic = catalogue.TOPICS[task.topic]
        actions.add_task(
            acting_user=officer,
            programme=programme,
            data=actions.TaskInput(
                content=catalogue.task_text(task, spec.kind),
                lead_agency=_lead(spec, task),
                person=task.person,
                deadline=TASKS_FROM + timedelta(days=30 * task.months),
                responsibility="Chủ trì; phối hợp với Sở (Bộ) Khoa học và Công nghệ và các cơ "
                "quan liên quan",
                expected_result=catalogue.task_result(task),
                category=topic.category,
                de06=topic.de06,
                goal=goals[task.goal].pk if task.goal is not None else None,
                breakthrough=breakthrough.pk,
            ),
        )
    for year, source, amount in spec.budget:
        actions.add_budget_line(
            acting_user=officer,
            programme=programme,
            year=year,
            source=source,
            amount=str(amount),
        )
    return programme


def _review(spec: catalogue.ProgrammeSpec, programme: Programme, number: int) -> None:
    owner = programme.owner
    leader = _staff(owner, Role.LEADER)
    reviewer = User.objects.get(username=REVIEWER)
    if spec.state == "draft":
        return
    actions.submit_programme(acting_user=leader, programme=programme)
    if spec.state == "submitted":
        return
    if spec.state == "returned":
        actions.return_programme(
            acting_user=reviewer, programme=programme, comments=RETURN_COMMENTS
        )
        return
    actions.save_checklist(
        acting_user=reviewer,
        programme=programme,
        answers=rules.ChecklistAnswers(met=dict.fromkeys(rules.CHECKLIST_CODES, True)),
    )
    symbol = f"QĐ-{owner.code}" if spec.kind == "ministry" else "QĐ-UBND"
    actions.approve_programme(
        acting_user=reviewer,
        programme=programme,
        decision_number=f"{1200 + number}/{symbol}",
        decision_date=DECIDED + timedelta(days=number),
    )


def _label_some() -> int:
    """Label the first shown pairs the catalogue can judge, as the reviewer would."""
    judged = {
        catalogue.task_text(task, spec.kind): (task.topic, task.role)
        for spec in catalogue.PROGRAMMES
        for task in spec.tasks
    }
    reviewer = User.objects.get(username=REVIEWER)
    count = 0
    for pair in OverlapPair.objects.select_related("a", "b").order_by("-score", "pk"):
        if count >= LABELLED:
            break
        sides = []
        for doc in (pair.a, pair.b):
            task = ProgrammeTask.objects.filter(pk=doc.ref).first() if doc.kind == "p" else None
            sides.append(judged.get(task.content) if task else None)
        if None in sides:
            continue
        label, _why = catalogue.label_of(sides[0], sides[1])  # type: ignore[arg-type]
        actions.label_pair(acting_user=reviewer, pair=pair, label=label)
        count += 1
    return count


def load_programme_demo() -> dict[str, int]:
    """The demo programmes, the overlap run and a few labels; {} counts what was added."""
    added = 0
    with transaction.atomic():
        for number, spec in enumerate(catalogue.PROGRAMMES, start=1):
            owner = Agency.objects.filter(code=spec.owner).first()
            if owner is None or Programme.objects.filter(owner=owner, title=spec.title).exists():
                continue
            officer = _staff(owner, Role.OFFICER)
            programme = _write(spec, owner, officer)
            _review(spec, programme, number)
            added += 1
    if not added:
        return {"programmes": 0}
    run = actions.detect_overlaps(acting_user=None)
    labelled = _label_some()
    return {
        "programmes": added,
        "documents": run.documents,
        "clusters": run.clusters,
        "labelled": labelled,
    }
