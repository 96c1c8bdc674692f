"""Notifications: sent at most once per key, e-mailed after commit, each user's own only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.test import Client

from dxgov.accounts.models import User
from dxgov.notifications import actions
from dxgov.notifications.models import Notification, NotificationKind
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def _notify(user: User, key: str, **kwargs: Any) -> Notification | None:
    values: dict[str, Any] = {
        "kind": NotificationKind.TASK_DUE_SOON,
        "title": f"Nhiệm vụ còn 3 ngày đến hạn ({key})",
        "body": "Thời hạn: 30/09/2025",
        "link": "/directives/tasks/1/",
        **kwargs,
    }
    return actions.notify(recipient=user, dedupe_key=key, **values)


# --- notify -----------------------------------------------------------------------------------


def test_notify_once_per_key_and_mail_after_commit(
    phutho_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _notify(phutho_officer, "k1")
        again = _notify(phutho_officer, "k1", title="Một tiêu đề khác")
    assert first is not None and again is None
    assert len(callbacks) == 1
    assert Notification.objects.count() == 1
    assert Notification.objects.get().title == "Nhiệm vụ còn 3 ngày đến hạn (k1)"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["phutho.canbo@demo.dxgov.local"]
    assert message.subject == "Nhiệm vụ còn 3 ngày đến hạn (k1)"
    assert "Thời hạn: 30/09/2025" in message.body and "/directives/tasks/1/" in message.body


def test_duplicate_inside_a_larger_transaction_keeps_the_rest(
    phutho_officer: User, phutho_leader: User
) -> None:
    with transaction.atomic():
        assert _notify(phutho_officer, "k1") is not None
        assert _notify(phutho_officer, "k1") is None  # only its savepoint rolled back
        assert _notify(phutho_leader, "k2") is not None
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {"k1", "k2"}


def test_rolled_back_notification_is_never_mailed(
    phutho_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(phutho_officer, "k1")
        raise RuntimeError("the surrounding change failed")
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()


def test_without_e_mail_or_with_send_email_false_nothing_is_mailed(
    phutho_officer: User, phutho_leader: User, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=phutho_leader.pk).update(email="")
    phutho_leader.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(phutho_officer, "k1", send_email=False) is not None
        assert _notify(phutho_leader, "k2") is not None
    assert Notification.objects.count() == 2 and mail.outbox == []


@pytest.mark.parametrize(
    "link", ["https://example.com/", "//example.com/x", "javascript:alert(1)", "tasks/1/"]
)
def test_links_stay_inside_the_platform(phutho_officer: User, link: str) -> None:
    with pytest.raises(ValidationError):
        _notify(phutho_officer, "k1", link=link)
    assert not Notification.objects.exists()


def test_unknown_kind_and_missing_key_are_refused(phutho_officer: User) -> None:
    with pytest.raises(ValidationError):
        _notify(phutho_officer, "k1", kind="gossip")
    with pytest.raises(ValidationError):
        _notify(phutho_officer, "")
    assert not Notification.objects.exists()


def test_mark_read_own_only_and_first_time_kept(
    phutho_officer: User, dienbien_officer: User
) -> None:
    notification = _notify(phutho_officer, "k1")
    assert notification is not None and not notification.is_read
    with pytest.raises(Http404):
        actions.mark_read(acting_user=dienbien_officer, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is None
    read = actions.mark_read(acting_user=phutho_officer, notification=notification)
    assert read.read_at is not None and notification.read_at == read.read_at
    again = actions.mark_read(acting_user=phutho_officer, notification=notification)
    assert again.read_at == read.read_at


def test_mark_all_read_touches_only_own(phutho_officer: User, dienbien_officer: User) -> None:
    _notify(phutho_officer, "k1")
    _notify(phutho_officer, "k2")
    _notify(dienbien_officer, "k3")
    assert actions.mark_all_read(acting_user=phutho_officer) == 2
    assert Notification.objects.unread().get().dedupe_key == "k3"


# --- pages ------------------------------------------------------------------------------------


def test_list_shows_own_notifications_newest_first_unread_highlighted(
    phutho_officer: User, dienbien_officer: User
) -> None:
    older = _notify(phutho_officer, "older")
    newer = _notify(phutho_officer, "newer")
    _notify(dienbien_officer, "theirs")
    assert older is not None and newer is not None
    actions.mark_read(acting_user=phutho_officer, notification=older)
    response = client_for(phutho_officer).get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "(newer)" in html and "(older)" in html and "(theirs)" not in html
    assert html.index("(newer)") < html.index("(older)")
    assert f'id="notification-{newer.pk}" class="notification unread"' in html
    assert f'id="notification-{older.pk}" class="notification"' in html
    assert html.count("Đánh dấu đã đọc") == 1  # only the unread one has the button
    assert 'href="/directives/tasks/1/"' in html
    # The nav shows the unread count.
    assert '<span id="unread-count" class="badge warn">1</span>' in html
    # Nothing inline: a Content-Security-Policy is coming.
    assert "style=" not in html and "<script>" not in html


def test_nav_badge_hidden_without_unread(phutho_officer: User) -> None:
    html = client_for(phutho_officer).get("/").content.decode()
    assert '<span id="unread-count" class="badge warn" hidden>0</span>' in html


def test_empty_list(phutho_officer: User) -> None:
    html = client_for(phutho_officer).get("/notifications/").content.decode()
    assert "Chưa có thông báo nào." in html


def test_list_needs_sign_in() -> None:
    response = Client().get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mark_read_through_htmx_returns_the_item_and_the_new_count(
    phutho_officer: User,
) -> None:
    first = _notify(phutho_officer, "k1")
    _notify(phutho_officer, "k2")
    assert first is not None
    response = client_for(phutho_officer).post(
        f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="notification-{first.pk}" class="notification"' in html
    assert "Đã đọc lúc" in html and "Đánh dấu đã đọc" not in html
    assert '<span id="unread-count" class="badge warn" hx-swap-oob="true">1</span>' in html
    assert '<div id="unread-summary" hx-swap-oob="true">' in html
    assert "1 thông báo chưa đọc." in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_read_without_htmx_redirects_to_the_list(phutho_officer: User) -> None:
    notification = _notify(phutho_officer, "k1")
    assert notification is not None
    response = client_for(phutho_officer).post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_404_and_stays_unread(
    phutho_officer: User, dienbien_officer: User
) -> None:
    theirs = _notify(dienbien_officer, "k1")
    assert theirs is not None
    client = client_for(phutho_officer)
    assert client.post(f"/notifications/{theirs.pk}/read/", HTTP_HX_REQUEST="true").status_code == (
        404
    )
    assert client.post("/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_is_post_only(phutho_officer: User) -> None:
    notification = _notify(phutho_officer, "k1")
    assert notification is not None
    response = client_for(phutho_officer).get(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_page(phutho_officer: User, dienbien_officer: User) -> None:
    _notify(phutho_officer, "k1")
    _notify(dienbien_officer, "k2")
    client = client_for(phutho_officer)
    assert "1 thông báo chưa đọc." in client.get("/notifications/").content.decode()
    assert client.post("/notifications/read-all/").status_code == 302
    assert list(Notification.objects.unread().values_list("dedupe_key", flat=True)) == ["k2"]


# --- API --------------------------------------------------------------------------------------


def test_api_lists_own_notifications_only(phutho_officer: User, dienbien_officer: User) -> None:
    read = _notify(phutho_officer, "k1")
    _notify(phutho_officer, "k2", kind=NotificationKind.TASK_OVERDUE)
    _notify(dienbien_officer, "k3")
    assert read is not None
    actions.mark_read(acting_user=phutho_officer, notification=read)
    client = client_for(phutho_officer)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2 and body["unread"] == 1
    assert [item["title"] for item in body["items"]] == [
        "Nhiệm vụ còn 3 ngày đến hạn (k2)",
        "Nhiệm vụ còn 3 ngày đến hạn (k1)",
    ]
    assert body["items"][0]["kind"] == "task_overdue" and body["items"][0]["read_at"] is None
    assert body["items"][1]["read_at"] is not None
    assert body["items"][0]["link"] == "/directives/tasks/1/"
    unread = client.get("/api/v1/notifications", {"unread": "true"}).json()
    assert [item["title"] for item in unread["items"]] == ["Nhiệm vụ còn 3 ngày đến hạn (k2)"]
    paged = client.get("/api/v1/notifications", {"page": 2, "page_size": 1}).json()
    assert paged["count"] == 2 and [i["id"] for i in paged["items"]] == [read.pk]


def test_api_mark_read(phutho_officer: User, dienbien_officer: User) -> None:
    mine = _notify(phutho_officer, "k1")
    theirs = _notify(dienbien_officer, "k2")
    assert mine is not None and theirs is not None
    client = client_for(phutho_officer)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200
    assert response.json()["id"] == mine.pk and response.json()["read_at"] is not None
    refused = client.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert refused.status_code == 404
    assert refused.json()["message"] == "Không có thông báo này."
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_needs_authentication() -> None:
    response = Client().get("/api/v1/notifications")
    assert response.status_code == 401
    assert "message" in json.loads(response.content)


def test_list_pages_by_fifty(phutho_officer: User) -> None:
    for number in range(51):
        _notify(phutho_officer, f"k{number:02d}")
    client = client_for(phutho_officer)
    first = client.get("/notifications/").content.decode()
    assert first.count('class="notification unread"') == 50
    assert "Trang 1 / 2" in first and "(k50)" in first and "(k00)" not in first
    second = client.get("/notifications/", {"page": 2}).content.decode()
    assert second.count('class="notification unread"') == 1 and "(k00)" in second
