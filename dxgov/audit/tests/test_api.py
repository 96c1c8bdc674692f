"""The audit API, and the standalone checker run on a real proof as an outsider would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from dxgov.accounts.actions import create_token
from dxgov.audit import merkle, signing
from dxgov.audit.actions import create_checkpoint
from dxgov.audit.chain import event_hash
from dxgov.audit.models import AuditEvent
from dxgov.audit.tests.test_checkpoints import append
from dxgov.testing.clients import client_for

CHECKER = Path(__file__).resolve().parents[3] / "docs" / "verify_proof.py"
pytestmark = pytest.mark.django_db


def _seq(n: int) -> int:
    return AuditEvent.objects.get(target_type="test", target_id=str(n)).seq


@pytest.fixture
def checkpointed() -> None:
    append(5)
    assert create_checkpoint(acting_user=None) is not None
    append(1, start=50)  # not covered yet


def test_public_key_needs_no_sign_in() -> None:
    response = Client().get("/api/v1/audit/public-key")
    assert response.status_code == 200
    body = response.json()
    key = signing.load_public_pem(body["public_key"])
    assert body["algorithm"] == "Ed25519" and body["key_id"] == signing.key_id(key)


def test_checkpoints_list(checkpointed: None, phutho_officer: Any) -> None:
    assert Client().get("/api/v1/audit/checkpoints").status_code == 401
    response = client_for(phutho_officer).get("/api/v1/audit/checkpoints")
    assert response.status_code == 200
    [item] = response.json()
    key = signing.load_private_key().public_key()
    assert signing.signature_valid(key, item["body"], item["signature"])


def test_proof_verifies(checkpointed: None, admin_user: Any) -> None:
    response = client_for(admin_user).get(f"/api/v1/audit/events/{_seq(2)}/proof")
    assert response.status_code == 200
    proof = response.json()
    body = proof["checkpoint"]["body"]
    assert proof["event"]["seq"] == _seq(2)
    assert proof["leaf_index"] == _seq(2) - body["seq_from"]
    leaf = merkle.event_leaf(proof["event"]["hash"])
    path = [bytes.fromhex(p) for p in proof["path"]]
    root = merkle.root_from_proof(leaf, proof["leaf_index"], body["tree_size"], path)
    assert root is not None and root.hex() == body["root"]


def test_proof_with_a_coordinators_token(checkpointed: None, coordinator: Any) -> None:
    _, raw = create_token(acting_user=None, user=coordinator, name="inspectorate")
    response = Client().get(
        f"/api/v1/audit/events/{_seq(1)}/proof", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["phutho_leader", "phutho_officer", "phutho_viewer"])
def test_proof_refused_to_other_roles(checkpointed: None, who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).get(f"/api/v1/audit/events/{_seq(1)}/proof")
    assert response.status_code == 403
    assert "message" in response.json()


def test_proof_missing_or_not_yet_covered(checkpointed: None, admin_user: Any) -> None:
    client = client_for(admin_user)
    for seq in (_seq(50), 10**9):
        response = client.get(f"/api/v1/audit/events/{seq}/proof")
        assert response.status_code == 404 and response.json()["message"]
    assert client.get("/api/v1/audit/events/abc/proof").status_code == 422


def test_proof_after_a_deletion_is_refused(checkpointed: None, admin_user: Any) -> None:
    AuditEvent.objects.filter(seq=_seq(3)).delete()
    response = client_for(admin_user).get(f"/api/v1/audit/events/{_seq(1)}/proof")
    assert response.status_code == 409 and response.json()["message"]


def _run_checker(tmp_path: Path, proof: dict[str, Any], key: dict[str, Any]) -> tuple[int, str]:
    proof_file, key_file = tmp_path / "proof.json", tmp_path / "key.pem"
    proof_file.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    key_file.write_text(key["public_key"])
    done = subprocess.run(
        [sys.executable, str(CHECKER), str(proof_file), str(key_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout.strip()


def test_standalone_checker_accepts_a_real_proof_and_rejects_forgeries(
    checkpointed: None, admin_user: Any, tmp_path: Path
) -> None:
    client = client_for(admin_user)
    proof = client.get(f"/api/v1/audit/events/{_seq(4)}/proof").json()
    key = Client().get("/api/v1/audit/public-key").json()
    assert "Điện Biên" in json.dumps(proof, ensure_ascii=False)
    assert _run_checker(tmp_path, proof, key) == (0, "OK")

    forged = json.loads(json.dumps(proof))
    forged["event"]["data"]["n"] = 999
    code, out = _run_checker(tmp_path, forged, key)
    assert code == 1 and "hash" in out

    # A forger who also recomputes the event's hash cannot reach the signed root.
    forged["event"]["hash"] = event_hash(forged["event"])
    code, out = _run_checker(tmp_path, forged, key)
    assert code == 1 and "signed root" in out

    # ...nor re-sign the root without the private key.
    moved = json.loads(json.dumps(proof))
    moved["checkpoint"]["body"]["root"] = "ab" * 32
    moved["path"] = []
    code, out = _run_checker(tmp_path, moved, key)
    assert code == 1

    # A checkpoint signed by someone else's key, or a key swapped in, is refused.
    impostor = Ed25519PrivateKey.generate()
    resigned = json.loads(json.dumps(proof))
    resigned["checkpoint"]["signature"] = signing.sign(impostor, proof["checkpoint"]["body"])
    code, out = _run_checker(tmp_path, resigned, key)
    assert code == 1 and "signature" in out
    other = signing.public_pem(impostor.public_key())
    code, out = _run_checker(tmp_path, proof, {"public_key": other})
    assert code == 1 and "another key" in out
