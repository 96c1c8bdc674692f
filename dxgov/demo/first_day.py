"""The demo's first day: after the data is loaded, the platform lives one day, so that every
role meets a working platform rather than a fresh database.

- the day's run (dxgov.operations.daily.run_daily): task statuses, reminders and digests,
  reporting reminders, the coordinators' notices (tasks to confirm, reports not received),
  the forecasts: every demo user opens notifications waiting;
- a signed audit checkpoint over the whole ledger (dxgov.audit.actions.create_checkpoint), so
  /audit/ shows the chain anchored.

It runs once: a demo whose ledger has a checkpoint has had its first day, and loading again
changes nothing. The day's e-mails go to files under the mail folder when the platform writes
e-mail to the console (its default), not across the demo's output.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.test.utils import override_settings

from dxgov.audit.actions import create_checkpoint
from dxgov.audit.models import Checkpoint
from dxgov.operations.daily import DailyRun, run_daily

CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"


@dataclass(frozen=True)
class FirstDay:
    run: DailyRun | None  # None: the first day was lived on an earlier load
    checkpoint: Checkpoint | None
    mail_folder: str = ""  # where the day's e-mails were written, if not to the console


@contextmanager
def mail_to_files() -> Iterator[str]:
    """Inside the block, e-mail the platform would print to the console goes to files under
    its mail folder (yields the folder; "" when e-mail goes elsewhere, left as configured)."""
    if settings.EMAIL_BACKEND != CONSOLE:
        yield ""
        return
    folder = str(settings.EMAIL_FILE_PATH)
    # Settings overridden for this block only (the day's e-mails), then restored.
    with override_settings(EMAIL_BACKEND=FILES, EMAIL_FILE_PATH=folder):
        yield folder


def live_first_day(today: date) -> FirstDay:
    """The day's run, then a checkpoint signing every event; nothing if done already."""
    if Checkpoint.objects.exists():
        return FirstDay(None, None)
    with mail_to_files() as folder:
        run = run_daily(today)
    return FirstDay(run, create_checkpoint(acting_user=None), folder)
