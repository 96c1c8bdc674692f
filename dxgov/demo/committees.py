"""Demo committees: the National Committee on Digital Transformation at its second and third
sessions (2022, from the seeds), and Phú Thọ's steering committee today.

The seeds (chinhphu.vn, VietTimes, Báo Điện Biên Phủ) tell of the National Committee's second
session (27 April 2022: the ministries' reports, the tasks per ministry, "rõ người, rõ việc")
and its third (8 August 2022), where the Prime Minister said that of the 27 tasks assigned at
the second session 15 were basically done and 12 had still to be finished. Here that figure
is computed, not typed: the second session's concluding notice is issued and its items assign
the 27 tasks through directives.actions (the tasks of `dxgov.demo.directives.SESSION2_CONCLUSIONS`,
whose wording quotes the seeds), the lead ministries' officers report them done on their days
and the coordinator confirms; the standing office's report to the third session is then drafted
from the data as it stood on 5 August 2022 and reads "27 nhiệm vụ: 15 hoàn thành, 12 đang thực
hiện". The ministries' demo officers who mark tasks done are created here (the Ministry of
Information and Communications' one moves to the Ministry of Science and Technology with the
2025 merger). What the seeds do not give — the notices' numbers and days, attendance, the
stand-ins, the ballots and their answers — is illustrative and says so.

Phú Thọ's committee (the merged province's, new from 1 July 2025) has a session held two months
ago whose conclusions assigned tasks (some done, one overdue), an upcoming session with its
documents and the report drafted from today's data (indicators, forecasts, Decision 766, the DTI,
disbursement, late reports), and three ballots: one closed with its decision, one open with
members past the deadline, one open for the next session.

Idempotent: a committee whose code exists is skipped with everything under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from dxgov.accounts import actions as account_actions
from dxgov.accounts.models import User
from dxgov.committees import actions
from dxgov.committees import document as documents
from dxgov.committees.models import (
    AttendanceStatus,
    Committee,
    CommitteeKind,
    Conclusion,
    Membership,
    Position,
    Session,
)
from dxgov.core.roles import Role
from dxgov.demo.directives import SESSION2, SESSION2_CONCLUSIONS, SeedTask
from dxgov.demo.users import DEMO_PASSWORD
from dxgov.directives import actions as task_actions
from dxgov.directives.models import Directive, Task
from dxgov.orgunits.models import Agency

NATIONAL = "UBQG-CDS"
PHU_THO = "BCD-CDS-T25"
PHU_THO_BEFORE = "BCD-CDS-T25-CU"
COORDINATOR = "vpcp.dieuphoi"
ILLUSTRATIVE = "minh họa"


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


# --- the ministries' officers who report the second session's tasks -----------------------------


@dataclass(frozen=True)
class Officer:
    username: str
    full_name: str
    agency: str
    moves_to: str = ""  # the agency that took over after the 2025 restructuring


OFFICERS = (
    Officer("btttt.daumoi", "Đinh Văn Tâm (Bộ TT&TT)", "BTTTT", moves_to="BKHCN"),
    Officer("vpcp.canbo", "Nguyễn Thị Thu (VPCP)", "VPCP"),
    Officer("byt.canbo", "Trần Văn Lợi (Bộ Y tế)", "BYT"),
    Officer("bgddt.canbo", "Phạm Thị Mai (Bộ GD&ĐT)", "BGDDT"),
    Officer("bct.canbo", "Lê Văn Nam (Bộ Công Thương)", "BCT"),
)


def _officers() -> dict[str, User]:
    """Each lead ministry's demo officer (made once), by the agency they acted for in 2022."""
    found = {}
    for officer in OFFICERS:
        user = User.objects.filter(username=officer.username).first()
        if user is None:
            user = account_actions.create_user(
                acting_user=None,
                username=officer.username,
                password=DEMO_PASSWORD,
                agency=_agency(officer.agency),
                role=Role.OFFICER,
                full_name=officer.full_name,
                email=f"{officer.username}@demo.dxgov.local",
            )
        found[officer.agency] = user
    found["BCA"] = _user("bca.canbo")
    return found


def _move_with_the_merger() -> None:
    for officer in OFFICERS:
        user = User.objects.get(username=officer.username)
        if officer.moves_to and user.agency is not None and user.agency.code == officer.agency:
            account_actions.update_user(
                acting_user=None,
                user=user,
                agency=_agency(officer.moves_to),
                role=Role(user.role),
                full_name=user.full_name,
                email=user.email,
            )


# --- the National Committee --------------------------------------------------------------------

NATIONAL_SEATS = (
    # position, title, person (from the seeds, else empty), agency
    (Position.CHAIR, "Thủ tướng Chính phủ, Chủ tịch Ủy ban", "Phạm Minh Chính", "CP"),
    (
        Position.DEPUTY_CHAIR,
        "Bộ trưởng Bộ Thông tin và Truyền thông, Phó Chủ tịch thường trực",
        "Nguyễn Mạnh Hùng",
        "BTTTT",
    ),
    (Position.MEMBER, "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", "Trần Văn Sơn", "VPCP"),
    (Position.MEMBER, "Bộ trưởng Bộ Kế hoạch và Đầu tư", "Nguyễn Chí Dũng", "BKHDT"),
    (Position.MEMBER, "Bộ trưởng Bộ Giáo dục và Đào tạo", "Nguyễn Kim Sơn", "BGDDT"),
    (Position.MEMBER, "Lãnh đạo Bộ Công an", "", "BCA"),
    (Position.MEMBER, "Lãnh đạo Bộ Y tế", "", "BYT"),
    (Position.MEMBER, "Lãnh đạo Bộ Công Thương", "", "BCT"),
    (Position.MEMBER, "Lãnh đạo Bộ Tài chính", "", "BTC"),
    (Position.MEMBER, "Lãnh đạo Bộ Nội vụ", "", "BNV"),
    (Position.MEMBER, "Lãnh đạo Ngân hàng Nhà nước Việt Nam", "", "NHNN"),
)
# Seats answered by a stand-in in the demo: the ministry's officer, under a delegation.
STAND_INS = {"BTTTT", "VPCP", "BGDDT", "BYT", "BCT"}

# The second session's items: the concluding notice's paragraphs, each assigning some of the
# 27 tasks (in the order of SESSION2_CONCLUSIONS.tasks).
SESSION2_ITEMS = (
    (
        "Bộ Thông tin và Truyền thông đề xuất thành lập bộ phận giúp việc của Ủy ban; hoàn thành "
        "đánh giá, công bố danh sách các nền tảng số; phối hợp hoàn thành hệ thống thống kê, "
        "theo dõi dự án đầu tư công cho chuyển đổi số; nghiên cứu triển khai Tổ công nghệ số "
        "cộng đồng; tổ chức bồi dưỡng, tập huấn về chuyển đổi số.",
        5,
    ),
    (
        "Bộ Công an hoàn thiện dự thảo Nghị định về bảo vệ dữ liệu cá nhân, Nghị định về định "
        "danh và xác thực điện tử; tiếp tục triển khai Đề án 06 và ứng dụng VNEID.",
        3,
    ),
    (
        "Văn phòng Chính phủ tập hợp, theo dõi việc thực hiện các chương trình chung của Ủy "
        "ban; xây dựng, đưa vào sử dụng Hệ thống thông tin phục vụ chỉ đạo, điều hành theo thời "
        "gian thực.",
        2,
    ),
    (
        "Bộ Y tế, Bộ Giáo dục và Đào tạo chỉ đạo chấp nhận thanh toán viện phí, học phí không "
        "dùng tiền mặt; triển khai mô hình Giáo dục đại học số.",
        3,
    ),
    (
        "Bộ Công Thương thúc đẩy thương mại điện tử, thương mại số; Bộ Nông nghiệp và Phát "
        "triển nông thôn xây dựng cơ sở dữ liệu phục vụ nông dân.",
        2,
    ),
    (
        "Bộ Nội vụ đề xuất phương án đổi tên đơn vị chuyên trách công nghệ thông tin; Bộ Kế "
        "hoạch và Đầu tư nắm tình hình, phân tích hiệu quả các dự án đầu tư.",
        2,
    ),
    (
        "Các bộ, ngành, địa phương ban hành hoặc cập nhật kế hoạch hành động đến năm 2025; tích "
        "hợp, cung cấp dịch vụ công trực tuyến theo Quyết định số 422/QĐ-TTg ngày 04/4/2022; số "
        "hóa hồ sơ, kết quả giải quyết thủ tục hành chính (nguồn không nêu chi tiết từng nhiệm "
        "vụ).",
        10,
    ),
)
SESSION2_DAY = date(2022, 4, 27)
SESSION2_ISSUED = date(2022, 5, 5)  # illustrative
SESSION3_DAY = date(2022, 8, 8)
SESSION3_REPORT_DAY = date(2022, 8, 5)
SESSION3_NOTICE = "03/TB-UBQGCĐS"  # illustrative, as SESSION2's

PLAN_2022 = (
    "Dự thảo Kế hoạch hoạt động năm 2022 của Ủy ban Quốc gia về chuyển đổi số: mục tiêu, nhiệm "
    "vụ trọng tâm theo từng quý, phân công cơ quan chủ trì; đôn đốc, kiểm tra, giám sát, đánh "
    "giá hằng quý, hằng năm về kết quả thực hiện."
)


class _National:
    """The National Committee's 2022 history, written through the actions."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.coordinator = _user(COORDINATOR)
        self.officers = _officers()
        self.seats: dict[str, Membership] = {}

    def committee(self) -> Committee:
        committee = actions.create_committee(
            acting_user=self.coordinator,
            code=NATIONAL,
            name="Ủy ban Quốc gia về chuyển đổi số",
            kind=CommitteeKind.NATIONAL,
            agency=_agency("CP"),
            standing_office=_agency("BTTTT"),
            decision=f"Kiện toàn năm 2021 (ngày ghi ở đây là {ILLUSTRATIVE})",
            established_on=date(2021, 11, 1),
        )
        for position, title, person, code in NATIONAL_SEATS:
            self.seats[code] = actions.add_member(
                acting_user=self.coordinator,
                committee=committee,
                position=position,
                title=title,
                person_name=person,
                agency=_agency(code),
                valid_from=committee.established_on,
            )
        for code in sorted(STAND_INS):
            actions.grant_delegation(
                acting_user=self.coordinator,
                membership=self.seats[code],
                delegate=self.officers[code],
                valid_from=date(2022, 1, 1),
                valid_to=date(2022, 12, 31),
                document=f"Giấy ủy quyền năm 2022 ({ILLUSTRATIVE})",
                reason="Đầu mối chuyển đổi số của bộ, ngành",
            )
        return committee

    def ballot(self, committee: Committee) -> None:
        """The 2022 plan put to the members by ballot (seed: "lấy ý kiến các bộ, ngành, địa
        phương về Kế hoạch hoạt động của Ủy ban năm 2022"); answers illustrative."""
        opened = _at(date(2022, 1, 10), 8)
        ballot = actions.create_ballot(
            acting_user=self.coordinator,
            committee=committee,
            number=f"01/PLYK-UBQGCĐS ({ILLUSTRATIVE})",
            title="Kế hoạch hoạt động năm 2022 của Ủy ban Quốc gia về chuyển đổi số",
            question="Đề nghị thành viên Ủy ban cho ý kiến về dự thảo Kế hoạch hoạt động năm 2022.",
            draft_text=PLAN_2022,
            deadline=_at(date(2022, 1, 20), 17),
            at=opened,
        )
        actions.open_ballot(acting_user=self.coordinator, ballot=ballot, at=opened)
        answers = (
            ("BCA", _user("bca.lanhdao"), "agree", "", date(2022, 1, 12)),
            ("BTTTT", self.officers["BTTTT"], "agree", "", date(2022, 1, 11)),
            ("VPCP", self.officers["VPCP"], "agree", "", date(2022, 1, 13)),
            (
                "BGDDT",
                self.officers["BGDDT"],
                "other",
                "Đề nghị bổ sung chỉ tiêu về đào tạo nhân lực số trong các cơ sở giáo dục đại học.",
                date(2022, 1, 14),
            ),
            ("BYT", self.officers["BYT"], "agree", "", date(2022, 1, 18)),
        )
        for code, person, choice, comment, day in answers:
            actions.answer_ballot(
                acting_user=person,
                ballot=ballot,
                choice=choice,
                comment=comment,
                member=self.seats[code],
                at=_at(day, 10),
            )
        actions.close_ballot(
            acting_user=self.coordinator,
            ballot=ballot,
            decision="Thống nhất ban hành Kế hoạch hoạt động năm 2022 của Ủy ban, tiếp thu ý "
            f"kiến về chỉ tiêu đào tạo nhân lực số ({ILLUSTRATIVE}).",
            at=_at(date(2022, 1, 21), 9),
        )

    def attendance(self, session: Session, absent: dict[str, str]) -> None:
        remote = {"BYT", "BTC"}
        for code, seat in self.seats.items():
            if code in absent:
                status = (
                    AttendanceStatus.ABSENT_EXCUSED if absent[code] else AttendanceStatus.ABSENT
                )
                reason = absent[code]
            elif code == "BCA":
                status, reason = AttendanceStatus.STAND_IN, ""
            else:
                status = AttendanceStatus.REMOTE if code in remote else AttendanceStatus.PRESENT
                reason = ""
            if status == AttendanceStatus.STAND_IN and not any(
                d.covers(session.held_on) for d in seat.delegations.all()
            ):
                actions.grant_delegation(
                    acting_user=self.coordinator,
                    membership=seat,
                    delegate=_user("bca.canbo"),
                    valid_from=session.held_on,
                    valid_to=session.held_on,
                    document=f"Giấy ủy quyền dự họp ({ILLUSTRATIVE})",
                )
            actions.record_attendance(
                acting_user=self.coordinator,
                session=session,
                membership=seat,
                status=status,
                reason=reason,
            )

    def session(self, committee: Committee, number: int, day: date, title: str) -> Session:
        session = actions.create_session(
            acting_user=self.coordinator,
            committee=committee,
            number=number,
            title=title,
            held_on=day,
            place="Trụ sở Chính phủ, kết nối trực tuyến tới các bộ, ngành, địa phương",
            chair=self.seats["CP"],
        )
        actions.send_invitations(
            acting_user=self.coordinator, session=session, at=_at(day - timedelta(days=7), 9)
        )
        return session

    def hold(self, session: Session) -> None:
        actions.start_session(
            acting_user=self.coordinator, session=session, at=_at(session.held_on, 8)
        )
        actions.close_session(
            acting_user=self.coordinator, session=session, at=_at(session.held_on, 11, 30)
        )

    def second_session(self, committee: Committee) -> None:
        session = self.session(
            committee,
            2,
            SESSION2_DAY,
            "Phiên họp thứ hai: đánh giá kết quả chuyển đổi số quý I/2022, nhiệm vụ quý II/2022",
        )
        for title, presenter in (
            ("Báo cáo tình hình triển khai chuyển đổi số quý I/2022", "BTTTT"),
            ("Kết nối cơ sở dữ liệu ngành giáo dục với Cơ sở dữ liệu quốc gia về dân cư", "BGDDT"),
            (
                "Trục liên thông văn bản quốc gia và Hệ thống thông tin phục vụ họp và xử lý công "
                "việc của Chính phủ (e-Cabinet)",
                "VPCP",
            ),
        ):
            actions.add_agenda_item(
                acting_user=self.coordinator,
                session=session,
                title=title,
                presenter=_agency(presenter),
            )
        self.attendance(session, {"BCT": f"Đi công tác ({ILLUSTRATIVE})", "BNV": ""})
        self.hold(session)
        conclusion = actions.save_conclusion(
            acting_user=self.coordinator,
            session=session,
            summary=SESSION2_CONCLUSIONS.summary,
            items=[text for text, _count in SESSION2_ITEMS],
        )
        self.issue_with_tasks(conclusion)

    def issue_with_tasks(self, conclusion: Conclusion) -> None:
        """Issue the notice and assign its 27 tasks; the notice entered earlier through the
        directives (a platform loaded before this demo) is taken over, its tasks linked."""
        existing = Directive.objects.filter(number=SESSION2).first()
        actions.issue_conclusion(
            acting_user=self.coordinator,
            conclusion=conclusion,
            number=SESSION2,
            issued_on=SESSION2_ISSUED,
            existing=existing,
        )
        specs = list(SESSION2_CONCLUSIONS.tasks)
        items = list(conclusion.items.order_by("order"))
        start = 0
        for item, (_text, count) in zip(items, SESSION2_ITEMS, strict=True):
            for spec in specs[start : start + count]:
                if existing is not None:
                    task = Task.objects.filter(directive=existing, content=spec.content).first()
                    if task is not None and not hasattr(task, "committee_link"):
                        actions.link_task(acting_user=self.coordinator, item=item, task=task)
                    continue
                self.task(item, spec)
            start += count

    def task(self, item: Any, spec: SeedTask) -> None:
        task = actions.assign_task(
            acting_user=self.coordinator,
            item=item,
            content=spec.content,
            lead_agency=_agency(spec.lead),
            deadline=spec.deadline,
            coordinating_agencies=[_agency(code) for code in spec.coordinating],
            is_key=spec.is_key,
            today=self.today,
        )
        officer = self.officers.get(spec.lead)
        if officer is None:
            return
        for percent, narrative in spec.progress:
            task_actions.report_progress(
                acting_user=officer, task=task, percent=percent, narrative=narrative
            )
        if spec.completed_on is not None:
            task_actions.mark_task_done(
                acting_user=officer, task=task, completed_on=spec.completed_on, today=self.today
            )
            task_actions.confirm_task(acting_user=self.coordinator, task=task)

    def third_session(self, committee: Committee) -> None:
        session = self.session(
            committee,
            3,
            SESSION3_DAY,
            "Phiên họp thứ ba: đánh giá kết quả chuyển đổi số 6 tháng đầu năm 2022",
        )
        first = actions.add_agenda_item(
            acting_user=self.coordinator,
            session=session,
            title="Báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số 6 tháng đầu năm 2022",
            presenter=_agency("BTTTT"),
        )
        actions.add_agenda_item(
            acting_user=self.coordinator,
            session=session,
            title="Công bố kết quả Bộ chỉ số đánh giá chuyển đổi số (DTI) năm 2021",
            presenter=_agency("BTTTT"),
        )
        report = actions.draft_report(
            acting_user=self.coordinator, session=session, at=_at(SESSION3_REPORT_DAY, 10)
        )
        report = actions.edit_report(
            acting_user=self.coordinator,
            report_row=report,
            number="",
            introduction=(
                "Thực hiện Thông báo kết luận Phiên họp thứ hai của Ủy ban, cơ quan thường trực "
                "báo cáo tình hình thực hiện các nhiệm vụ được giao như sau."
            ),
            proposals=(
                "Đề nghị các bộ, ngành, địa phương có nhiệm vụ chưa hoàn thành khẩn trương hoàn "
                "thành; tránh tư duy cát cứ thông tin, số liệu, dữ liệu."
            ),
        )
        actions.finalise_report(acting_user=self.coordinator, report_row=report)
        attached = documents.session_report(
            documents.Letterhead(
                superior=committee.name,
                issuer=committee.standing_office.name if committee.standing_office else "",
                place="Hà Nội",
                day=SESSION3_REPORT_DAY,
            ),
            committee=committee.name,
            session_number=session.number,
            held_on=session.held_on,
            snapshot=report.snapshot,
            digest=report.digest,
            introduction=report.introduction,
            proposals=report.proposals,
        )
        actions.attach_document(
            acting_user=self.coordinator,
            item=first,
            upload=actions.Upload("bao-cao-phien-hop-thu-ba.docx", attached),
        )
        self.attendance(session, {"BNV": f"Họp Quốc hội ({ILLUSTRATIVE})"})
        self.hold(session)
        conclusion = actions.save_conclusion(
            acting_user=self.coordinator,
            session=session,
            summary=(
                "Phải nghĩ thật, nói thật, làm thật, có hiệu quả thật, người dân, doanh nghiệp "
                "được thụ hưởng thật; nói phải đi đôi với làm, không đánh trống bỏ dùi. Nguồn: "
                f"VietTimes, 8/8/2022. Số hiệu, ngày ban hành: {ILLUSTRATIVE}."
            ),
            items=[
                "Tránh mọi tư duy cát cứ thông tin, số liệu, dữ liệu; các bộ, ngành quản lý dữ "
                "liệu được phân công nhưng trên hết là tài sản quốc gia, được liên thông, chia sẻ.",
                "Chuyển đổi số triển khai đồng bộ nhưng có trọng tâm, trọng điểm, tránh đầu tư "
                "dàn trải, lãng phí.",
                "Khắc phục việc thiếu công cụ hỗ trợ thống kê, phân tích, giám sát tình hình "
                "triển khai các dự án đầu tư công nghệ thông tin.",
            ],
        )
        actions.issue_conclusion(
            acting_user=self.coordinator,
            conclusion=conclusion,
            number=SESSION3_NOTICE,
            issued_on=date(2022, 8, 15),
        )
        third = conclusion.items.get(order=3)
        actions.assign_task(
            acting_user=self.coordinator,
            item=third,
            content="Hoàn thiện công cụ thống kê, phân tích, giám sát tình hình triển khai các dự "
            "án đầu tư công nghệ thông tin, chuyển đổi số.",
            lead_agency=_agency("BTTTT"),
            coordinating_agencies=[_agency("BKHDT")],
            deadline=date(2022, 12, 31),
            today=self.today,
        )


@transaction.atomic
def load_national_history(*, today: date) -> dict[str, int]:
    """The National Committee's 2022 sessions (run before the directives' demo, which then
    finds the second session's notice issued here and leaves it)."""
    if Committee.objects.filter(code=NATIONAL).exists():
        return {"committees": 0}
    national = _National(today)
    committee = national.committee()
    national.ballot(committee)
    national.second_session(committee)
    national.third_session(committee)
    _move_with_the_merger()
    tasks = Task.objects.filter(committee_link__item__conclusion__session__committee=committee)
    return {"committees": 1, "sessions": 2, "tasks": tasks.count()}


# --- Phú Thọ's steering committee ---------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class _PhuTho:
    def __init__(self, today: date) -> None:
        self.today = today
        self.coordinator = _user(COORDINATOR)
        self.leader = _user("phutho.lanhdao")
        self.officer = _user("phutho.canbo")
        self.department = _user("phutho.skhcn")
        self.seats: dict[str, Membership] = {}

    def committee(self) -> Committee:
        before = []
        former = Agency.objects.filter(code="UBND-T25-CU").first()
        if former is not None:
            before.append(
                actions.create_committee(
                    acting_user=self.coordinator,
                    code=PHU_THO_BEFORE,
                    name="Ban Chỉ đạo chuyển đổi số tỉnh Phú Thọ (trước sắp xếp)",
                    kind=CommitteeKind.PROVINCE,
                    agency=former,
                    established_on=date(2021, 3, 1),
                    ended_on=date(2025, 6, 30),
                    decision=f"Ngày thành lập: {ILLUSTRATIVE}",
                )
            )
        committee = actions.create_committee(
            acting_user=self.coordinator,
            code=PHU_THO,
            name="Ban Chỉ đạo chuyển đổi số tỉnh Phú Thọ",
            kind=CommitteeKind.PROVINCE,
            agency=_agency("UBND-T25"),
            standing_office=_agency("SO-25-KHCN"),
            established_on=date(2025, 7, 1),
            decision=f"Kiện toàn sau sắp xếp đơn vị hành chính ({ILLUSTRATIVE})",
            predecessors=before,
        )
        start = committee.established_on
        for key, position, title, user, agency in (
            ("chair", Position.CHAIR, "Chủ tịch UBND tỉnh, Trưởng Ban", self.leader, None),
            (
                "standing",
                Position.DEPUTY_CHAIR,
                "Giám đốc Sở Khoa học và Công nghệ, Phó Trưởng Ban thường trực",
                self.department,
                None,
            ),
            ("office", Position.MEMBER, "Chánh Văn phòng UBND tỉnh, Ủy viên", self.officer, None),
            ("finance", Position.MEMBER, "Giám đốc Sở Tài chính, Ủy viên", None, "SO-25-TC"),
            ("home", Position.MEMBER, "Giám đốc Sở Nội vụ, Ủy viên", None, "SO-25-NV"),
        ):
            self.seats[key] = actions.add_member(
                acting_user=self.coordinator,
                committee=committee,
                position=position,
                title=title,
                user=user,
                agency=_agency(agency) if agency else None,
                valid_from=start,
            )
        return committee

    def held_session(self, committee: Committee) -> None:
        day = self.today - timedelta(days=60)
        session = actions.create_session(
            acting_user=self.officer,
            committee=committee,
            title="Phiên họp sơ kết chuyển đổi số 9 tháng năm 2026",
            held_on=day,
            place="Trụ sở UBND tỉnh, Việt Trì",
            chair=self.seats["chair"],
        )
        actions.add_agenda_item(
            acting_user=self.officer,
            session=session,
            title="Báo cáo kết quả chuyển đổi số 9 tháng, nhiệm vụ quý IV/2026",
            presenter=_agency("SO-25-KHCN"),
        )
        actions.send_invitations(
            acting_user=self.officer, session=session, at=_at(day - timedelta(days=5))
        )
        for key, status, reason in (
            ("chair", AttendanceStatus.PRESENT, ""),
            ("standing", AttendanceStatus.PRESENT, ""),
            ("office", AttendanceStatus.PRESENT, ""),
            ("finance", AttendanceStatus.REMOTE, ""),
            (
                "home",
                AttendanceStatus.ABSENT_EXCUSED,
                f"Dự hội nghị của Bộ Nội vụ ({ILLUSTRATIVE})",
            ),
        ):
            actions.record_attendance(
                acting_user=self.officer,
                session=session,
                membership=self.seats[key],
                status=status,
                reason=reason,
            )
        actions.start_session(acting_user=self.officer, session=session, at=_at(day, 8))
        actions.close_session(acting_user=self.officer, session=session, at=_at(day, 11))
        conclusion = actions.save_conclusion(
            acting_user=self.officer,
            session=session,
            summary=f"Kết luận của Trưởng Ban tại phiên họp ({ILLUSTRATIVE}).",
            items=[
                "Sở Khoa học và Công nghệ hoàn thành nền tảng tích hợp, chia sẻ dữ liệu của tỉnh "
                "và kết nối với cơ sở dữ liệu quốc gia.",
                "Văn phòng UBND tỉnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Trung "
                "tâm phục vụ hành chính công.",
            ],
        )
        actions.issue_conclusion(
            acting_user=self.coordinator,
            conclusion=conclusion,
            number="125/TB-BCĐCĐS",
            issued_on=day + timedelta(days=3),
        )
        first, second = conclusion.items.order_by("order")
        done = actions.assign_task(
            acting_user=self.coordinator,
            item=first,
            content="Hoàn thành nền tảng tích hợp, chia sẻ dữ liệu của tỉnh (LGSP) và kết nối với "
            "Cơ sở dữ liệu quốc gia về dân cư.",
            lead_agency=_agency("SO-25-KHCN"),
            deadline=self.today - timedelta(days=20),
            expected_result="Nền tảng vận hành, kết nối thông suốt",
            today=self.today,
        )
        task_actions.mark_task_done(
            acting_user=self.department,
            task=done,
            completed_on=self.today - timedelta(days=25),
            narrative="Nền tảng đã vận hành, kết nối với Cơ sở dữ liệu quốc gia về dân cư.",
            today=self.today,
        )
        task_actions.confirm_task(acting_user=self.coordinator, task=done)
        actions.assign_task(
            acting_user=self.coordinator,
            item=first,
            content="Ban hành danh mục dữ liệu dùng chung của tỉnh.",
            lead_agency=_agency("SO-25-KHCN"),
            deadline=self.today - timedelta(days=5),
            today=self.today,
        )
        actions.assign_task(
            acting_user=self.coordinator,
            item=second,
            content="Số hóa 100% hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực.",
            lead_agency=_agency("UBND-T25"),
            deadline=self.today + timedelta(days=25),
            expected_result="100% hồ sơ được số hóa",
            today=self.today,
        )

    def next_session(self, committee: Committee) -> Session:
        day = self.today + timedelta(days=7)
        session = actions.create_session(
            acting_user=self.officer,
            committee=committee,
            title="Phiên họp tổng kết năm 2026, triển khai nhiệm vụ năm 2027",
            held_on=day,
            place="Trụ sở UBND tỉnh, Việt Trì",
            chair=self.seats["chair"],
        )
        report_item = actions.add_agenda_item(
            acting_user=self.officer,
            session=session,
            title="Báo cáo kết quả chuyển đổi số năm 2026",
            presenter=_agency("SO-25-KHCN"),
        )
        plan_item = actions.add_agenda_item(
            acting_user=self.officer,
            session=session,
            title="Cho ý kiến dự thảo Kế hoạch chuyển đổi số năm 2027",
            presenter=_agency("SO-25-KHCN"),
        )
        report = actions.draft_report(acting_user=self.officer, session=session)
        attached = documents.session_report(
            documents.Letterhead(
                superior=committee.name,
                issuer="Sở Khoa học và Công nghệ",
                place="Phú Thọ",
                day=self.today,
            ),
            committee=committee.name,
            session_number=session.number,
            held_on=session.held_on,
            snapshot=report.snapshot,
            digest=report.digest,
        )
        actions.attach_document(
            acting_user=self.officer,
            item=report_item,
            upload=actions.Upload("du-thao-bao-cao-nam-2026.docx", attached),
        )
        actions.attach_document(
            acting_user=self.officer,
            item=plan_item,
            upload=actions.Upload("du-thao-ke-hoach-2027.pdf", PDF),
        )
        actions.send_invitations(acting_user=self.officer, session=session)
        return session

    def ballots(self, committee: Committee, upcoming: Session) -> None:
        now = timezone.now()
        closed = actions.create_ballot(
            acting_user=self.officer,
            committee=committee,
            number="05/PLYK-BCĐ",
            title="Danh mục dữ liệu mở của tỉnh năm 2026",
            question="Đề nghị thành viên Ban Chỉ đạo cho ý kiến về dự thảo Danh mục dữ liệu mở.",
            deadline=now - timedelta(days=23),
            at=now - timedelta(days=30),
        )
        actions.open_ballot(acting_user=self.officer, ballot=closed, at=now - timedelta(days=30))
        for user, choice, comment, days in (
            (self.leader, "agree", "", 28),
            (self.department, "agree", "", 27),
            (self.officer, "other", "Đề nghị bổ sung dữ liệu về đất đai.", 26),
        ):
            actions.answer_ballot(
                acting_user=user,
                ballot=closed,
                choice=choice,
                comment=comment,
                at=now - timedelta(days=days),
            )
        actions.close_ballot(
            acting_user=self.officer,
            ballot=closed,
            decision="Ban hành Danh mục dữ liệu mở của tỉnh năm 2026, bổ sung dữ liệu về đất đai.",
            at=now - timedelta(days=22),
        )
        overdue = actions.create_ballot(
            acting_user=self.officer,
            committee=committee,
            number="07/PLYK-BCĐ",
            title="Dự thảo Quy chế hoạt động của Ban Chỉ đạo",
            question="Đề nghị thành viên cho ý kiến về dự thảo Quy chế hoạt động.",
            deadline=now - timedelta(days=2),
            at=now - timedelta(days=7),
        )
        actions.open_ballot(acting_user=self.officer, ballot=overdue, at=now - timedelta(days=7))
        actions.answer_ballot(
            acting_user=self.leader,
            ballot=overdue,
            choice="agree",
            at=now - timedelta(days=6),
        )
        vote = actions.create_ballot(
            acting_user=self.officer,
            committee=committee,
            number="08/PLYK-BCĐ",
            title="Kế hoạch chuyển đổi số năm 2027",
            question="Đồng chí có đồng ý thông qua dự thảo Kế hoạch chuyển đổi số năm 2027?",
            draft_text="Dự thảo Kế hoạch chuyển đổi số năm 2027 của tỉnh Phú Thọ (kèm theo).",
            deadline=_at(upcoming.held_on, 17),
            change_rule="replace",
            session=upcoming,
        )
        actions.open_ballot(acting_user=self.officer, ballot=vote)
        actions.answer_ballot(acting_user=self.department, ballot=vote, choice="agree")


@transaction.atomic
def load_committees_demo(*, today: date) -> dict[str, int]:
    """Phú Thọ's committee today (run after the other demos and the first day's forecasts: its
    report reads their data)."""
    if Committee.objects.filter(code=PHU_THO).exists():
        return {"committees": 0}
    phu_tho = _PhuTho(today)
    committee = phu_tho.committee()
    phu_tho.held_session(committee)
    upcoming = phu_tho.next_session(committee)
    phu_tho.ballots(committee, upcoming)
    # As the day's run would: the members past the open ballot's deadline are told (once).
    actions.send_ballot_reminders()
    return {"committees": 2, "sessions": 2, "ballots": 3}
