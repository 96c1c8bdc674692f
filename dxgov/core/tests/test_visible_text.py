"""What every page shows a reader is written the Vietnamese way (issue 16, §2).

Every page of the access matrix (its own discovery: PAGES, every route has a row) is rendered
for a central coordinator and for a provincial officer wherever they may read it, on the
matrix's objects inside their scope, with a figure in the millions on the open report; the
text a person reads (dxgov.testing.visible) must hold no English-style number (``3,092``), no
long run of digits without separators (``1638770``; codes, years and ids in links and
attributes are not read) and no internal code shown as a label (``people_committee``,
``dossiers.batch:51``, a file name where a title belongs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.test import override_settings

from dxgov.core.tests import test_access_matrix as matrix
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions as reporting_actions
from dxgov.reporting.actions import ValueInput
from dxgov.reporting.models import ReportDefinition
from dxgov.testing.visible import problems, visible_text

pytestmark = pytest.mark.django_db

# Who reads the pages: a central coordinator (everything) and a province's officer (its own).
READERS = ("coordinator", "officer")
# Pages that show more with a query (two agencies compared, both in the officer's scope).
QUERIES = {
    "dashboard:compare": "?a=UBND-T25&b=SO-25-KHCN",
    "scoring:compare": "?a=UBND-T25&b=UBND-T11",
}
BIG_FIGURE = "1638770"  # shown 1.638.770
# The matrix's marker strings are free text it typed into comments ("MX-PT-VALUE 202603"): a
# person's words, shown as typed, not the page's.
MARKERS = re.compile(r"MX-[A-Z]+-[A-Z]+(?: \d+)?")


def page_visits(world: matrix.World) -> Iterator[tuple[str, str, str]]:
    """(URL name, role, path) of every page a reader may GET, on an object in its scope."""
    for name, methods in matrix.PAGES.items():
        rule = methods.get("GET")
        if rule is None or rule.gate or rule.public:
            continue
        for role in READERS:
            actor = matrix.Actor(role, role, "session")
            scope = "phutho" if rule.obj else None
            if matrix.expected(rule, actor, scope, api_call=False).status != 200:
                continue
            case = matrix.Case(name, actor, rule, "GET", scope, False, name)
            yield name, role, matrix._url(case, world) + QUERIES.get(name, "")


def build_world() -> matrix.World:
    """The access matrix's objects, and a figure in the millions on Phú Thọ's open report."""
    world = matrix._build_world()
    reporting_actions.save_values(
        acting_user=matrix._user("phutho.canbo"),
        definition=ReportDefinition.objects.get(code="MX-THANG"),
        agency=Agency.objects.get(code="UBND-T25"),
        period_code="202603",
        inputs=[ValueInput("MXCOUNT", value=BIG_FIGURE, check_version=False)],
    )
    return world


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[matrix.World]:
    folder = tmp_path_factory.mktemp("visible-text")
    key_file = folder / "audit.pem"
    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    overrides = override_settings(
        MEDIA_ROOT=str(folder / "media"), DXGOV_AUDIT_KEY_FILE=str(key_file)
    )
    with django_db_blocker.unblock(), overrides:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_page_reads_the_vietnamese_way(world: matrix.World) -> None:
    found: list[str] = []
    seen = 0
    for name, role, path in page_visits(world):
        response = world.client(matrix.Actor(role, role, "session")).get(path)
        assert response.status_code == 200, f"{path} as {role}: {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        text = MARKERS.sub("", visible_text(response.text))
        found += [f"{name} as {role}: {p}" for p in problems(text)]
    assert seen > 40  # every HTML page of the matrix, not a handful
    assert not found, "\n".join(found)


def test_the_big_figure_is_grouped_on_the_form_and_the_report(world: matrix.World) -> None:
    client = world.client(matrix.Actor("officer", "officer", "session"))
    form = matrix._url(
        matrix.Case(
            "f",
            matrix.PAGE_ACTORS[2],
            matrix.PAGES["reporting:data_form"]["GET"],
            "GET",
            "phutho",
            False,
            "reporting:data_form",
        ),
        world,
    )
    report = matrix._url(
        matrix.Case(
            "r",
            matrix.PAGE_ACTORS[2],
            matrix.PAGES["reporting:report_detail"]["GET"],
            "GET",
            "phutho",
            False,
            "reporting:report_detail",
        ),
        world,
    )
    assert 'value="1.638.770"' in client.get(form).text
    assert "1.638.770" in visible_text(client.get(report).text)


def test_the_checker_catches_what_it_is_for() -> None:
    """Each kind of problem from the issue is caught; codes in links, attributes and code
    elements, Vietnamese numbers, years, dates and periods are not."""
    bad = (
        "<p>3,092 nhiệm vụ</p><td>163877</td><td>10830000000</td><dd>people_committee</dd>"
        "<td>dossiers.batch:51</td><p>Nguồn: VietTimes, seeds/003_7e3050719bfa722f.txt.</p>"
    )
    kinds = " ".join(problems(visible_text(bad)))
    for piece in (
        "3,092",
        "163877",
        "10830000000",
        "people_committee",
        "dossiers.batch:51",
        "seeds/003_7e3050719bfa722f.txt",
    ):
        assert piece in kinds, piece
    good = (
        '<a href="/reports/definitions/1/form/UBND-T25/202611/" data-x="163877">Tháng 11/2026</a>'
        "<td>3.092</td><td>1.638.770</td><td>87,3%</td><td>05/12/2026</td><td>2026</td>"
        "<td>UBND-T25</td><td>000.00.25.H45-261101-0001</td><code>procedure_code</code>"
        "<script>var x = 1234567;</script>"
    )
    assert problems(visible_text(good)) == []
