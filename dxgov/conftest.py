"""Shared test setup: the real unit registry and the demo cast, loaded once per test database.

The cast (from dxgov.demo.users) is the named set of officials every scope test uses:
Phú Thọ's officer must never see Điện Biên's records, a department officer must not see
its province's committee, and coordinators see everything.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from dxgov.accounts.models import User
from dxgov.demo.users import DEMO_PASSWORD, load_demo_users
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import OrgUnit

# No per-example deadline: CI machines are shared and a slow example is not a wrong one. In
# CI the examples are derived from each test (derandomize), so a failure reproduces anywhere.
hypothesis_settings.register_profile(
    "dxgov", deadline=None, derandomize=os.environ.get("CI") == "true"
)
hypothesis_settings.load_profile("dxgov")


def _load_reference_data() -> None:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    if not User.objects.filter(username="quantri").exists():
        load_demo_users()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _load_reference_data()
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions(wait: float = 10.0) -> None:
    """Before the PostgreSQL test database is dropped: the servers and workers some tests start
    (and kill) leave backends that end a moment later, and DROP DATABASE refuses while any is
    there. Wait for them; end what is left after `wait` seconds, saying what it was."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    query = (
        "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute(query)
            others = cursor.fetchall()
            if not others or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        stream = sys.__stderr__ or sys.stderr  # past pytest's capture: CI's log shows it
        for pid, application, state, text in others:
            stream.write(
                f"\nending a test session left on the test database: pid {pid}, "
                f"{application or 'no application name'}, {state}, {text!r}\n"
            )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.close()


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """For transactional tests: the flush after an earlier one empties the tables."""
    _load_reference_data()


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache() -> Iterator[None]:
    """Rendered dashboard blocks are keyed by change-feed ids and kept fragments by user ids,
    which a rolled-back test may hand out again: no test sees another's."""
    from django.core.cache import caches

    caches["dashboard"].clear()
    caches["dashboard_pages"].clear()
    caches["default"].clear()  # kept template fragments (the main navigation)
    yield


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


def _user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


@pytest.fixture
def admin_user(db: Any) -> User:
    return _user("quantri")


@pytest.fixture
def coordinator(db: Any) -> User:
    return _user("vpcp.dieuphoi")


@pytest.fixture
def phutho_leader(db: Any) -> User:
    return _user("phutho.lanhdao")


@pytest.fixture
def phutho_officer(db: Any) -> User:
    return _user("phutho.canbo")


@pytest.fixture
def phutho_viewer(db: Any) -> User:
    return _user("phutho.xem")


@pytest.fixture
def phutho_dept_officer(db: Any) -> User:
    return _user("phutho.skhcn")


@pytest.fixture
def dienbien_leader(db: Any) -> User:
    return _user("dienbien.lanhdao")


@pytest.fixture
def dienbien_officer(db: Any) -> User:
    return _user("dienbien.canbo")


CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests need Debian's Chromium; outside CI they are skipped when it is missing."""
    if shutil.which(CHROMIUM) or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@dataclass
class BrowserPage:
    """A Playwright page on the live server, collecting console and page errors."""

    page: Any
    base: str
    errors: list[str]

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def shot(self, name: str, *, full_page: bool = True) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def chromium(live_server: Any, reference_data: None) -> Iterator[BrowserPage]:
    from playwright.sync_api import ConsoleMessage, Error, sync_playwright

    # Playwright's sync API runs an event loop; the ORM calls in tests happen outside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        def on_page_error(error: Error) -> None:
            errors.append(str(error))

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        yield BrowserPage(page=page, base=live_server.url, errors=errors)
        browser.close()
