"""The indicator page (/indicators/<id>/) shows what was stored, not a rounded copy of it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods
from dxgov.reporting.models import DataValue
from dxgov.reporting.tests.conftest import PHU_THO, make_indicator
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def test_a_ratio_shows_its_numerator_and_denominator_with_their_decimals(
    coordinator: User,
) -> None:
    # Issue 16 §3: a value of 1,78 (a percentage given as 1,78 out of 100) was shown with
    # "Tử số 2 / Mẫu số 100".
    share = make_indicator(coordinator, "SHARE", "ratio", factor=100, decimals=2)
    last = periods.period_containing(periods.Frequency.MONTH, timezone.localdate()).previous()
    DataValue.objects.create(
        indicator=share,
        agency=Agency.objects.get(code=PHU_THO),
        period=last.code,
        period_start=last.start,
        frequency="month",
        value=Decimal("1.78"),
        numerator=Decimal("1.78"),
        denominator=Decimal(100),
    )
    html = client_for(coordinator).get(f"/indicators/{share.pk}/").content.decode()
    row = re.search(r"<tr>\s*<td>[^<]*</td>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    # Value, numerator, denominator, agencies reporting.
    assert cells == ["1,78", "1,78", "100", "1"]
