"""The programme tests read refusals in English (the messages are translated; the pages a
request renders still follow the request's language)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield
