"""Shared test setup: the real unit registry and the demo cast, loaded once per test database.

The cast (from dxgov.core.demo) is the named set of officials every scope test uses:
Phú Thọ's officer must never see Điện Biên's records, a department officer must not see
its province's committee, and coordinators see everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.core.demo import DEMO_PASSWORD, load_demo_users
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import OrgUnit


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


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """For transactional tests: the flush after an earlier one empties the tables."""
    _load_reference_data()


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
