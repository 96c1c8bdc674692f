"""The audit event's hashed fields are listed once, in audit.chain; the standalone proof
checker keeps its own copy (it runs without dxgov), held equal here."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from dxgov.audit import ledger
from dxgov.audit.chain import HASHED_FIELDS, STORED_FIELDS
from dxgov.audit.models import AuditEvent
from dxgov.audit.record import event_as_dict
from dxgov.audit.tests.test_checkpoints import append

ROOT = Path(__file__).resolve().parents[3]
CHECKER = ROOT / "docs" / "verify_proof.py"
DEFINITION = ROOT / "dxgov" / "audit" / "chain.py"


def _checker() -> Any:
    spec = importlib.util.spec_from_file_location("verify_proof", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_standalone_checker_hashes_the_same_fields() -> None:
    assert _checker().HASHED_FIELDS == HASHED_FIELDS


def test_no_second_list_of_the_fields_in_the_code() -> None:
    """A tuple, list or set naming the event's fields outside audit.chain is a second copy."""
    marks = {"actor_label", "prev_hash"}
    copies = []
    for path in sorted((ROOT / "dxgov").rglob("*.py")):
        if path == DEFINITION or "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                names = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                if marks <= names:
                    copies.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert copies == []


@pytest.mark.django_db
def test_stored_events_are_read_with_the_one_list() -> None:
    append(3)
    [first, *_rest] = list(ledger.iter_events())
    assert tuple(first) == STORED_FIELDS
    assert first == event_as_dict(AuditEvent.objects.get(seq=first["seq"]))
