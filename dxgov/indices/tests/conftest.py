"""The indices' tests read refusals in English (the catalogue's source language); pages and
the API still answer in the language each request asks for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield
