"""A province's steering committee for the tests, built through the actions: its members (the
leader chairs, the officer sits as a member), a session with its agenda, and helpers for
conclusions and ballots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.committees import actions
from dxgov.committees.models import (
    Ballot,
    Committee,
    CommitteeKind,
    Membership,
    Position,
    Session,
)
from dxgov.orgunits.models import Agency

PROVINCES = {"phutho": ("UBND-T25", "PT"), "dienbien": ("UBND-T11", "DB")}


def user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


@dataclass
class World:
    committee: Committee
    chair: Membership  # <owner>.lanhdao
    member: Membership  # <owner>.canbo
    session: Session
    coordinator: User

    @property
    def leader(self) -> User:
        assert self.chair.user is not None
        return self.chair.user

    @property
    def officer(self) -> User:
        assert self.member.user is not None
        return self.member.user


def build(owner: str = "phutho", *, established: date | None = None) -> World:
    code, tag = PROVINCES[owner]
    coordinator = user("vpcp.dieuphoi")
    agency = Agency.objects.get(code=code)
    today = timezone.localdate()
    start = established or today - timedelta(days=400)
    committee = actions.create_committee(
        acting_user=coordinator,
        code=f"BCD-{tag}",
        name=f"Ban Chỉ đạo chuyển đổi số {agency.name} MX-{tag}-BCD",
        kind=CommitteeKind.PROVINCE,
        agency=agency,
        established_on=start,
    )
    chair = actions.add_member(
        acting_user=coordinator,
        committee=committee,
        position=Position.CHAIR,
        title="Chủ tịch UBND tỉnh, Trưởng Ban",
        user=user(f"{owner}.lanhdao"),
        valid_from=start,
    )
    member = actions.add_member(
        acting_user=coordinator,
        committee=committee,
        position=Position.MEMBER,
        title="Chánh Văn phòng UBND tỉnh, Ủy viên",
        user=user(f"{owner}.canbo"),
        valid_from=start,
    )
    session = actions.create_session(
        acting_user=coordinator,
        committee=committee,
        title=f"Phiên họp MX-{tag}-PHIEN",
        held_on=today + timedelta(days=10),
        chair=chair,
    )
    actions.add_agenda_item(
        acting_user=coordinator, session=session, title="Báo cáo tình hình chuyển đổi số"
    )
    return World(committee, chair, member, session, coordinator)


def open_ballot(
    world: World,
    *,
    title: str = "Thông qua Kế hoạch chuyển đổi số năm 2027",
    deadline: datetime | None = None,
    change_rule: str = "refuse",
    session: Session | None = None,
) -> Ballot:
    ballot = actions.create_ballot(
        acting_user=world.coordinator,
        committee=world.committee,
        title=title,
        question="Đồng chí có đồng ý thông qua dự thảo Kế hoạch không?",
        draft_text="Dự thảo Kế hoạch chuyển đổi số năm 2027.",
        deadline=deadline or timezone.now() + timedelta(days=3),
        change_rule=change_rule,
        session=session,
    )
    return actions.open_ballot(acting_user=world.coordinator, ballot=ballot)
