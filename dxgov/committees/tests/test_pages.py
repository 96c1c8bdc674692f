"""The committee pages over real HTTP: what each shows, the answer form and its refusals, the
documents in the Decree 30 layout, and the live views' event stream."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from docx import Document

from dxgov.committees import actions
from dxgov.committees.models import Answer, AttendanceStatus, BallotStatus
from dxgov.committees.tests.world import World, build, open_ballot, user
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return build()


def _client(username: str) -> Client:
    return client_for(user(username), second_factor=True)


def _text(data: bytes) -> str:
    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_committee_pages_show_members_sessions_and_attendance(world: World) -> None:
    actions.record_attendance(
        acting_user=world.officer,
        session=world.session,
        membership=world.member,
        status=AttendanceStatus.ABSENT_EXCUSED,
        reason="Đi công tác",
    )
    client = _client("phutho.canbo")
    listing = client.get("/committees/")
    assert listing.status_code == 200
    assert "MX-PT-BCD" in listing.content.decode()
    page = client.get(f"/committees/{world.committee.pk}/").content.decode()
    assert "Chủ tịch UBND tỉnh, Trưởng Ban" in page and "Đi công tác" in page
    assert "Vắng mặt, có lý do" in page  # attendance over time, in Vietnamese
    session = client.get(f"/committees/sessions/{world.session.pk}/").content.decode()
    assert "Báo cáo tình hình chuyển đổi số" in session
    # Điện Biên's officer does not see Phú Thọ's committee.
    other = _client("dienbien.canbo")
    assert other.get(f"/committees/{world.committee.pk}/").status_code == 404
    assert "MX-PT-BCD" not in other.get("/committees/").content.decode()


def test_a_session_planned_from_the_page_and_a_refused_one(world: World) -> None:
    client = _client("phutho.canbo")
    day = (timezone.localdate() + timedelta(days=40)).strftime("%d/%m/%Y")
    response = client.post(
        f"/committees/{world.committee.pk}/",
        {"what": "session", "title": "Phiên họp quý", "held_on": day, "place": "Việt Trì"},
    )
    assert response.status_code == 302
    assert world.committee.sessions.filter(title="Phiên họp quý").exists()
    refused = client.post(
        f"/committees/{world.committee.pk}/",
        {"what": "session", "title": "Phiên họp", "held_on": "31/02/2026"},
    )
    assert refused.status_code == 422
    assert "Có lỗi cần sửa" in refused.content.decode()


def test_a_member_answers_on_the_page_and_sees_it_signed(world: World) -> None:
    ballot = open_ballot(world)
    client = _client("phutho.lanhdao")
    page = client.get(f"/committees/ballots/{ballot.pk}/").content.decode()
    assert "Gửi ý kiến đã ký số" in page and ballot.content_hash in page
    missing = client.post(f"/committees/ballots/{ballot.pk}/", {"choice": "other", "comment": ""})
    assert missing.status_code == 422 and "Có lỗi cần sửa" in missing.content.decode()
    assert not Answer.objects.exists()
    sent = client.post(
        f"/committees/ballots/{ballot.pk}/", {"choice": "agree", "comment": "Nhất trí"}
    )
    assert sent.status_code == 302
    answer = Answer.objects.get()
    assert answer.membership == world.chair
    again = client.post(f"/committees/ballots/{ballot.pk}/", {"choice": "agree"})
    assert again.status_code == 422 and "đã trả lời" in again.content.decode()
    # A viewer sees the ballot and its tally, but gets no answer form.
    viewer = _client("phutho.xem").get(f"/committees/ballots/{ballot.pk}/").content.decode()
    assert "Gửi ý kiến đã ký số" not in viewer and "Đồng ý" in viewer


def test_the_ballot_result_and_the_report_in_the_decree_30_layout(world: World) -> None:
    ballot = open_ballot(world)
    actions.answer_ballot(acting_user=world.leader, ballot=ballot, choice="agree")
    actions.close_ballot(
        acting_user=world.officer, ballot=ballot, decision="Ban hành Kế hoạch chuyển đổi số 2027"
    )
    client = _client("phutho.canbo")
    result = client.get(f"/committees/ballots/{ballot.pk}/result.docx")
    assert result.status_code == 200
    text = _text(result.content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Phú Thọ, ngày" in text
    assert "Ban hành Kế hoạch chuyển đổi số 2027" in text
    assert "Không trả lời" in text  # the member who did not answer is listed
    assert ballot.content_hash in text
    actions.draft_report(acting_user=world.officer, session=world.session)
    report = client.get(f"/committees/sessions/{world.session.pk}/report.docx")
    body = _text(report.content)
    assert "BÁO CÁO" in body and "Phiên họp thứ 1" in body and "Chưa có số liệu." in body
    page = client.get(f"/committees/sessions/{world.session.pk}/report/").content.decode()
    assert "Chưa có số liệu" in page


def test_my_page_lists_open_overdue_and_answered_ballots_and_documents(world: World) -> None:
    open_now = open_ballot(world, title="Phiếu đang mở")
    late = open_ballot(world, title="Phiếu quá hạn")
    type(late).objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(hours=2))
    done = open_ballot(world, title="Phiếu đã trả lời")
    actions.answer_ballot(acting_user=world.officer, ballot=done, choice="disagree")
    item = world.session.items.get()
    actions.attach_document(
        acting_user=world.officer,
        item=item,
        upload=actions.Upload("bao-cao.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    )
    page = _client("phutho.canbo").get("/committees/me/").content.decode()
    assert (
        page.index("Phiếu đang mở") < page.index("Phiếu quá hạn") < page.index("Phiếu đã trả lời")
    )
    assert "bao-cao.pdf" in page
    assert open_now.status == BallotStatus.OPEN


@override_settings(DXGOV_SSE_SECONDS=0.5)
def test_the_ballot_stream_names_the_tally_after_an_answer(world: World) -> None:
    ballot = open_ballot(world)
    client = _client("phutho.xem")
    page = client.get(f"/committees/ballots/{ballot.pk}/")
    last = page.context["last_event"]
    actions.answer_ballot(acting_user=world.officer, ballot=ballot, choice="agree")
    stream = client.get(f"/committees/ballots/{ballot.pk}/events?after={last}")
    assert stream["Content-Type"] == "text/event-stream"
    body = b"".join(stream.streaming_content).decode()  # type: ignore[attr-defined]
    assert 'event: change\ndata: {"blocks": ["tally"]}' in body
    tally = client.get(f"/committees/ballots/{ballot.pk}/?block=tally").content.decode()
    assert 'data-choice="agree">1<' in tally
    live = client.get(f"/committees/sessions/{world.session.pk}/live/?block=agenda")
    assert live.status_code == 200
    assert (
        client.get(f"/committees/sessions/{world.session.pk}/live/?block=nope").status_code == 404
    )
