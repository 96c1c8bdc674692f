"""Writes to notifications: create one (at most once per dedupe key) and mark one read.

`notify` is called by the system (reminder jobs) and, later, by other actions. The unique
`dedupe_key` is the guard against sending twice: the row is inserted inside a savepoint and a
duplicate key (another run, or another worker at the same moment) is an IntegrityError that
turns into "already sent". The e-mail goes out only after the transaction commits, so a
rolled-back notification is never mailed and a duplicate is never mailed twice.

Notifications are messages, not records of the platform's state, so they are not audited.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.notifications.models import Notification, NotificationKind

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length or 300


def _check_link(link: str) -> None:
    # Only paths inside the platform: never another site, never a javascript: URL.
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValidationError({"link": _("A notification links to a page of the platform.")})


def _absolute(link: str) -> str:
    base = str(getattr(settings, "DXGOV_SITE_URL", "") or "").rstrip("/")
    return f"{base}{link}"


def _email_text(notification: Notification) -> str:
    parts = [notification.body.strip()]
    if notification.link:
        parts.append(_("Open: %(link)s") % {"link": _absolute(notification.link)})
    return "\n\n".join(part for part in parts if part)


def _send_email(notification: Notification, address: str) -> None:
    send_mail(
        subject=notification.title,
        message=_email_text(notification),
        from_email=None,
        recipient_list=[address],
    )


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str,
    link: str,
    dedupe_key: str,
    send_email: bool = True,
) -> Notification | None:
    """Create the notification and e-mail it after commit; None if `dedupe_key` was used."""
    if kind not in NotificationKind.values:
        raise ValidationError({"kind": f"unknown notification kind: {kind}"})
    if not dedupe_key:
        raise ValidationError({"dedupe_key": "a notification needs a dedupe key"})
    _check_link(link)
    try:
        with transaction.atomic():  # a savepoint: a duplicate undoes only this insert
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title.strip()[:TITLE_MAX],
                body=body.strip(),
                link=link,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if not Notification.objects.filter(dedupe_key=dedupe_key).exists():
            raise  # some other constraint failed: not a duplicate, do not hide it
        return None
    address = recipient.email
    if send_email and address and recipient.is_active:
        # robust: a mail server that is down is logged, it does not undo the notification.
        transaction.on_commit(lambda: _send_email(notification, address), robust=True)
    return notification


@transaction.atomic
def mark_read(*, acting_user: Any, notification: Notification) -> Notification:
    """Mark the user's own notification read (once; reading again keeps the first time)."""
    if not getattr(acting_user, "is_authenticated", False) or (
        notification.recipient_id != acting_user.pk
    ):
        raise Http404(_("No such notification."))
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.save(update_fields=["read_at"])
    notification.read_at = locked.read_at
    return locked


@transaction.atomic
def mark_all_read(*, acting_user: Any) -> int:
    """Mark every unread notification of the user read; returns how many."""
    if not getattr(acting_user, "is_authenticated", False):
        return 0
    return (
        Notification.objects.filter(recipient=acting_user).unread().update(read_at=timezone.now())
    )
