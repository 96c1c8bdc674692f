"""The committees API: the ballot flow with signed answers (the platform's key and the member's
own), the refusals' answers, the signed answers checked offline by docs/verify_ballot.py (and
a forged one failing it), sessions, attendance, reports and conclusions."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone

from dxgov.committees import ballots, signing
from dxgov.committees.models import Answer
from dxgov.committees.tests.world import World, build, open_ballot, user
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db
VERIFY = Path(__file__).resolve().parents[3] / "docs" / "verify_ballot.py"


@pytest.fixture
def world(db: Any) -> World:
    return build()


def _client(username: str) -> Client:
    return client_for(user(username), second_factor=True)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _verify(
    tmp_path: Path, data: dict[str, Any], keys: list[str]
) -> subprocess.CompletedProcess[str]:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    files = []
    for n, pem in enumerate(keys):
        path = tmp_path / f"key{n}.pem"
        path.write_text(pem)
        files.append(str(path))
    return subprocess.run(
        [sys.executable, str(VERIFY), str(answers), *files],
        capture_output=True,
        text=True,
        check=False,
    )


def test_signed_answers_verify_offline_and_a_forged_one_fails(world: World, tmp_path: Path) -> None:
    ballot = open_ballot(world)
    leader = _client("phutho.lanhdao")
    url = f"/api/v1/committees/ballots/{ballot.pk}/answers"
    first = _post(leader, url, {"choice": "agree", "comment": "Nhất trí"})
    assert first.status_code == 201, first.content
    assert first.json()["verified"] is True

    # The officer keeps their key on their own device and signs there.
    device = Ed25519PrivateKey.generate()
    officer = _client("phutho.canbo")
    registered = _post(
        officer, "/api/v1/committees/keys", {"public_key": signing.public_pem(device.public_key())}
    )
    assert registered.status_code == 201
    detail = officer.get(f"/api/v1/committees/ballots/{ballot.pk}").json()
    [template] = detail["signing"]
    moment = timezone.now().replace(microsecond=0)
    body = {
        **template,
        "choice": "other",
        "comment": "Đề nghị bổ sung chỉ tiêu",
        "file_sha256": "",
        "answered_at": moment.isoformat(timespec="seconds"),
    }
    assert set(body) == set(
        ballots.signed_body(
            content_digest="",
            ballot=0,
            answer=ballots.AnswerInput(0, "agree"),
            member_title="",
            answered_by="",
            stand_in=False,
            answered_at=moment,
            sequence=1,
        )
    )
    bad = _post(
        officer,
        url,
        {
            "choice": "agree",  # not what was signed
            "comment": body["comment"],
            "signature": signing.sign(device, body),
            "answered_at": body["answered_at"],
        },
    )
    assert bad.status_code == 422 and "signature" in bad.json()["errors"]
    good = _post(
        officer,
        url,
        {
            "choice": "other",
            "comment": body["comment"],
            "signature": signing.sign(device, body),
            "answered_at": body["answered_at"],
        },
    )
    assert good.status_code == 201, good.content

    bundle = _client("phutho.xem").get(url).json()
    assert len(bundle["answers"]) == 2 and all(a["verified"] for a in bundle["answers"])
    keys = [
        _client("phutho.xem").get(f"/api/v1/committees/keys/{k['key_id']}").json()["public_key"]
        for k in bundle["keys"]
    ]
    passed = _verify(tmp_path, bundle, keys)
    assert passed.returncode == 0, passed.stdout
    assert passed.stdout.count("OK answer") == 2

    forged = json.loads(json.dumps(bundle))
    forged["answers"][0]["choice"] = "disagree"
    forged["answers"][0]["signed_body"]["choice"] = "disagree"
    failed = _verify(tmp_path, forged, keys)
    assert failed.returncode == 1
    assert "the signature does not verify" in failed.stdout
    without_key = _verify(tmp_path, bundle, keys[:1])
    assert without_key.returncode == 1 and "no public key given" in without_key.stdout
    question = json.loads(json.dumps(bundle))
    question["ballot"]["question"] = "Một câu hỏi khác?"
    assert "does not hash" in _verify(tmp_path, question, keys).stdout


def test_refusals_through_the_api(world: World) -> None:
    ballot = open_ballot(world)
    url = f"/api/v1/committees/ballots/{ballot.pk}/answers"
    viewer = _post(_client("phutho.xem"), url, {"choice": "agree"})
    assert viewer.status_code == 403
    outsider = _post(_client("dienbien.canbo"), url, {"choice": "agree"})
    assert outsider.status_code == 404
    leader = _client("phutho.lanhdao")
    assert _post(leader, url, {"choice": "agree"}).status_code == 201
    assert _post(leader, url, {"choice": "agree"}).status_code == 409
    other = _post(_client("phutho.canbo"), url, {"choice": "other", "comment": ""})
    assert other.status_code == 422 and "comment" in other.json()["errors"]
    naive = _post(
        _client("phutho.canbo"),
        url,
        {"choice": "agree", "signature": "00", "answered_at": "2026-12-07T10:00:00"},
    )
    assert naive.status_code == 422
    type(ballot).objects.filter(pk=ballot.pk).update(deadline=timezone.now() - timedelta(hours=1))
    late = _post(_client("phutho.canbo"), url, {"choice": "agree"})
    assert late.status_code == 409 and "quá hạn" in late.json()["message"]
    assert Answer.objects.count() == 1
    create = f"/api/v1/committees/{world.committee.pk}/ballots"
    deadline = (timezone.now() + timedelta(days=2)).isoformat()
    no_question = _post(
        _client("phutho.canbo"), create, {"title": "Phiếu", "question": "", "deadline": deadline}
    )
    assert no_question.status_code == 422 and "question" in no_question.json()["errors"]
    made = _post(
        _client("phutho.canbo"),
        create,
        {"title": "Phiếu", "question": "Đồng ý?", "deadline": deadline},
    )
    assert made.status_code == 201 and made.json()["status"] == "open"


def test_sessions_attendance_reports_and_conclusions(world: World) -> None:
    officer = _client("phutho.canbo")
    sessions = officer.get(f"/api/v1/committees/{world.committee.pk}/sessions").json()
    assert [s["number"] for s in sessions] == [1]
    attendance = f"/api/v1/committees/sessions/{world.session.pk}/attendance"
    stand_in = _post(officer, attendance, {"member": world.chair.pk, "status": "stand_in"})
    assert stand_in.status_code == 422 and "delegation" in stand_in.json()["errors"]
    present = _post(officer, attendance, {"member": world.chair.pk, "status": "present"})
    assert present.status_code == 200
    assert present.json()["attendance"][0]["status"] == "present"
    report_url = f"/api/v1/committees/sessions/{world.session.pk}/report"
    assert officer.get(report_url).status_code == 404
    drafted = officer.post(report_url)
    assert drafted.status_code == 200 and len(drafted.json()["digest"]) == 64
    assert officer.get(report_url).json()["snapshot"]["session"]["number"] == 1
    assert _client("phutho.xem").post(report_url).status_code == 403
    committee = officer.get(f"/api/v1/committees/{world.committee.pk}").json()
    assert {m["user"] for m in committee["members"]} == {"phutho.lanhdao", "phutho.canbo"}
    assert (
        officer.get(f"/api/v1/committees/sessions/{world.session.pk}/conclusion").status_code == 404
    )
