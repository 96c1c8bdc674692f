from __future__ import annotations

from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.dashboard.tests.world import DashWorld, build


@pytest.fixture
def world(db: Any, coordinator: User) -> DashWorld:
    return build(coordinator)
