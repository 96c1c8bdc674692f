"""The access matrix: every page and every API operation × every role × inside and outside the
user's agency scope, each its own test, through real HTTP against the real database.

The routes are not listed by hand: pages come from walking Django's URL resolver, API
operations from the OpenAPI schema. Each needs an entry in PAGES or API below (the
expectation table); test_every_page_has_expectations and test_every_api_operation_has_expectations
fail for a route without one (and for an entry whose route is gone). Whoever adds a route adds
its row here.

A row (Rule) says who may use the route and what it answers them; expected() turns it into
one status per (actor, scope):

- anonymous: pages redirect to the login page, the API answers 401; public rows excepted;
- a leader who has not given the second factor: pages redirect to /accounts/2fa/, the API
  answers 403; rows marked open_2fa excepted;
- an object outside the user's scope, or one that does not exist: 404, the same answer for
  both, on reads and writes alike (a guessed id tells nothing);
- inside the scope, a role without the right: 403;
- otherwise the row's status.

Every write (POST, PATCH) also checks that the database did not change unless the row says
the allowed request changes it (then it must: so a 302 or 200 that quietly refused is caught
too), and every response that it carries no marker string of an object outside the caller's
scope (task contents, reports, extension reasons, evidence file names, contact details, other
people's notifications), in HTML, JSON or Excel. Anonymous callers and a leader before the
second factor are stopped before any lookup, so they are tried on the in-scope object and on
a missing id only.

The objects are built once for the module through the actions, inside a transaction that is
rolled back at the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import ApiToken, User
from dxgov.api import api
from dxgov.audit.actions import create_checkpoint
from dxgov.audit.models import AuditEvent
from dxgov.committees.tests import matrix as committee_matrix
from dxgov.directives import actions
from dxgov.directives.models import (
    Attachment,
    Directive,
    DirectiveKind,
    ExtensionRequest,
    ProgressReport,
    Task,
)
from dxgov.dossiers import actions as dossier_actions
from dxgov.dossiers.models import Batch
from dxgov.indices.tests.matrix import MISSING as INDEX_MISSING
from dxgov.indices.tests.matrix import build_indices_world, score_form
from dxgov.investments.tests import matrix as investment_matrix
from dxgov.notifications.actions import notify
from dxgov.notifications.models import Notification, NotificationKind
from dxgov.orgunits.actions import update_agency_contact
from dxgov.orgunits.models import Agency
from dxgov.programmes.tests import matrix as programme_matrix
from dxgov.reporting.models import DataValue, Report
from dxgov.reporting.tests.matrix import build_reporting_world
from dxgov.testing.clients import client_for

TODAY = timezone.localdate()
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# --- who ---------------------------------------------------------------------------------

# Roles by the user who plays them; "leader_no2fa" is the leader before the second factor.
USERNAMES = {
    "viewer": "phutho.xem",
    "officer": "phutho.canbo",
    "dept_officer": "phutho.skhcn",
    "leader": "phutho.lanhdao",
    "coordinator": "vpcp.dieuphoi",
    "admin": "quantri",
    "leader_no2fa": "phutho.lanhdao",
}
SIGNED_IN = frozenset(USERNAMES)
CENTRAL = frozenset({"coordinator", "admin"})
LEAD = frozenset({"officer", "leader", "leader_no2fa", "dept_officer"})
CHANGE = frozenset({"leader", "leader_no2fa", "coordinator", "admin"})
AUDIT = CENTRAL

# Whose objects each role sees, written out here rather than asked of the application:
# "phutho" = owned by UBND-T25, "dept" = by its department SO-25-KHCN, "dienbien" = UBND-T11.
COVERS = {
    "anonymous": frozenset(),
    "viewer": frozenset({"phutho", "dept"}),
    "officer": frozenset({"phutho", "dept"}),
    "leader": frozenset({"phutho", "dept"}),
    "leader_no2fa": frozenset({"phutho", "dept"}),
    "dept_officer": frozenset({"dept"}),
    "coordinator": frozenset({"phutho", "dept", "dienbien"}),
    "admin": frozenset({"phutho", "dept", "dienbien"}),
}
# A notification is its recipient's alone: phutho.canbo's, and dienbien.canbo's (nobody here).
NOTIFICATION_OWNER = {"phutho": "officer", "dienbien": None}


@dataclass(frozen=True)
class Actor:
    name: str
    role: str  # a key of COVERS
    how: str  # anonymous | session | no2fa | bearer


pytestmark = pytest.mark.django_db

PAGE_ACTORS = [
    Actor("anonymous", "anonymous", "anonymous"),
    *(Actor(role, role, "session") for role in USERNAMES if role != "leader_no2fa"),
    Actor("leader_no2fa", "leader_no2fa", "no2fa"),
]
API_ACTORS = [
    *PAGE_ACTORS,
    Actor("officer_token", "officer", "bearer"),
    Actor("coordinator_token", "coordinator", "bearer"),
]

# --- what each route answers -------------------------------------------------------------

Body = Callable[["World"], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """Who may use a route and what it answers (see the module docstring for the order)."""

    who: frozenset[str] = SIGNED_IN  # roles with the right
    obj: str | None = None  # the kind of object in the path (a key of OBJECTS)
    ok: int = 200  # the answer to an allowed request
    by_role: dict[str, int] = field(default_factory=dict)  # ... or this, for these roles
    public: bool = False  # anonymous callers get the same answers as signed-in ones
    open_2fa: bool = False  # reachable before the second factor is given
    gate: bool = False  # `ok` is answered before any scope or role check (a 405, say)
    role_first: bool = False  # the role is checked before the object is looked up
    changes: bool | frozenset[str] = False  # an allowed request changes the database
    body: Body | None = None
    slug: str | None = None  # the {action} of a task action page


def _empty(world: World) -> dict[str, Any]:
    return {}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _contact(world: World) -> dict[str, Any]:
    return {"email": "moi@example.vn", "phone": "0210 3846 000", "address": "Việt Trì"}


def _batch(world: World) -> dict[str, Any]:
    record = {
        "code": "MX-NEW",
        "procedure_code": "1.1",
        "agency_code": "UBND-T25",
        "received_at": "2025-07-01T08:00:00+07:00",
        "updated_at": "2025-07-01T08:00:00+07:00",
    }
    return {"schema": "dxgov.dossier/1", "batch_id": "matrix", "records": [record]}


def _reason(world: World) -> dict[str, Any]:
    return {"reason": "Ma trận phân quyền"}


ENTRY = frozenset({"officer", "leader", "leader_no2fa", "admin"})
# Who may start a programme: the agencies' own officers and leaders (a department's too).
PG_START = ENTRY | {"dept_officer"}
# A committee's standing office: its agency's officers and leaders, and central roles.
MANAGE = frozenset({"officer", "leader", "leader_no2fa", "coordinator", "admin"})
# The members of the matrix's committees: each province's leader (chair) and officer.
MEMBERS = frozenset({"officer", "leader", "leader_no2fa"})
APPROVE = frozenset({"leader", "leader_no2fa", "admin"})


def _form_values(world: World) -> dict[str, Any]:
    """A changed figure for the matrix indicator, at the version now stored (per agency)."""
    versions = {
        v.agency.code: v.version
        for v in DataValue.objects.filter(
            indicator__code="MXCOUNT", period="202603"
        ).select_related("agency")
    }
    version = max(versions.values(), default=1)
    return {"value-MXCOUNT": "77", "version-MXCOUNT": str(version), "comment-MXCOUNT": ""}


def _target(world: World) -> dict[str, Any]:
    return {"year": "2030", "value": "90"}


def _revision(world: World) -> dict[str, Any]:
    return {"value": "95", "reason": "Ma trận phân quyền"}


PAGES: dict[str, dict[str, Rule]] = {
    "core:home": {"GET": Rule()},
    "healthz": {"GET": Rule(public=True, open_2fa=True)},
    "readyz": {"GET": Rule(public=True, open_2fa=True)},
    # The API's own documentation and schema are public (they describe, they hold no data).
    "api:openapi-json": {"GET": Rule(public=True)},
    "api:openapi-view": {"GET": Rule(public=True)},
    "api:api-root": {"GET": Rule(public=True, ok=404)},
    # Anything else under /api/v1/ is a JSON 404 for everyone (it names no object).
    "api:no-such-endpoint": {"GET": Rule(public=True, ok=404)},
    "accounts:login": {"GET": Rule(public=True, ok=302, by_role={"anonymous": 200})},
    "accounts:logout": {
        "GET": Rule(public=True, open_2fa=True, ok=405),
        "POST": Rule(public=True, open_2fa=True, ok=302),
    },
    # An empty form: shown again with its errors, nothing changed.
    "accounts:password_change": {"GET": Rule(), "POST": Rule(body=_empty)},
    "accounts:two_factor": {
        "GET": Rule(open_2fa=True, ok=302, by_role={"leader_no2fa": 200}),
        "POST": Rule(open_2fa=True, ok=302, by_role={"leader_no2fa": 200}, body=_empty),
    },
    "set_language": {
        "GET": Rule(public=True, open_2fa=True, ok=302),
        "POST": Rule(
            public=True, open_2fa=True, ok=302, body=lambda w: {"language": "vi", "next": "/"}
        ),
    },
    "directives:directive_list": {"GET": Rule()},
    # Directives are documents every signed-in official reads, whoever issued them.
    "directives:directive_detail": {
        "GET": Rule(obj="directive"),
        "POST": Rule(
            obj="directive",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {"file": _pdf("van-ban.pdf")},
        ),
    },
    "directives:directive_new": {
        "GET": Rule(who=CENTRAL),
        "POST": Rule(
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {
                "kind": "chi_thi",
                "number": "99/CT-TTg",
                "issued_on": TODAY.isoformat(),
                "issuing_agency": "CP",
                "title": "Chỉ thị ma trận phân quyền",
                "summary": "",
            },
        ),
    },
    # Only central roles assign tasks; the role is checked before the directive is looked up.
    "directives:task_new": {
        "GET": Rule(obj="directive", ok=405, gate=True),
        "POST": Rule(
            obj="directive",
            who=CENTRAL,
            ok=302,
            role_first=True,
            changes=True,
            body=lambda w: {
                "content": "Nhiệm vụ ma trận phân quyền",
                "lead_agency": "UBND-T25",
                "deadline": (TODAY + timedelta(days=30)).isoformat(),
                "recurrence": "none",
            },
        ),
    },
    "directives:task_list": {"GET": Rule()},
    "directives:my_tasks": {"GET": Rule()},
    "directives:statistics": {"GET": Rule()},
    "directives:task_export": {"GET": Rule()},
    "directives:statistics_export": {"GET": Rule()},
    "directives:import_template": {"GET": Rule()},
    # An empty upload form: shown again with its errors.
    "directives:task_import": {"GET": Rule(who=CENTRAL), "POST": Rule(who=CENTRAL, body=_empty)},
    "directives:task_detail": {"GET": Rule(obj="task")},
    "directives:task_action": {
        "GET progress": Rule(obj="task", slug="progress", ok=405, gate=True),
        "POST progress": Rule(
            obj="task",
            slug="progress",
            who=LEAD,
            ok=302,
            changes=True,
            body=lambda w: {"percent": 40, "narrative": "Đã triển khai", "file": _pdf("bc.pdf")},
        ),
        "POST done": Rule(
            obj="task",
            slug="done",
            who=LEAD,
            ok=302,
            changes=True,
            body=lambda w: {"completed_on": TODAY.isoformat(), "file": _pdf("ket-qua.pdf")},
        ),
        "POST extension": Rule(
            obj="task",
            slug="extension",
            who=LEAD,
            ok=302,
            changes=True,
            body=lambda w: {
                "requested_deadline": (TODAY + timedelta(days=90)).isoformat(),
                "reason": "Chờ kinh phí",
            },
        ),
        "POST confirm": Rule(
            obj="task_awaiting", slug="confirm", who=CENTRAL, ok=302, changes=True, body=_empty
        ),
        "POST return": Rule(
            obj="task_awaiting", slug="return", who=CENTRAL, ok=302, changes=True, body=_reason
        ),
        "POST approve": Rule(
            obj="task_extension",
            slug="approve",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {"note": ""},
        ),
        "POST refuse": Rule(
            obj="task_extension",
            slug="refuse",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {"note": "Chưa đủ căn cứ"},
        ),
        # An unknown action is a 404 once the task is found: the same as a task out of scope.
        "POST unknown": Rule(obj="task", slug="unknown", ok=404, body=_empty),
    },
    "directives:attachment": {"GET": Rule(obj="attachment")},
    "audit:ledger": {"GET": Rule(who=AUDIT)},
    # Units and the agency directory are reference data for every signed-in official.
    "orgunits:unit_tree": {"GET": Rule()},
    "orgunits:unit_detail": {"GET": Rule(obj="unit")},
    "orgunits:unit_children": {"GET": Rule(obj="unit")},
    "orgunits:agency_tree": {"GET": Rule()},
    "orgunits:agency_detail": {"GET": Rule(obj="agency_entry")},
    "orgunits:agency_children": {"GET": Rule(obj="agency_entry")},
    "orgunits:agency_staff": {"GET": Rule(obj="agency")},
    "orgunits:agency_edit": {
        "GET": Rule(obj="agency", who=CHANGE),
        "POST": Rule(obj="agency", who=CHANGE, ok=302, changes=True, body=_contact),
    },
    "notifications:list": {"GET": Rule()},
    "reporting:definition_list": {"GET": Rule()},
    "reporting:definition_detail": {"GET": Rule(obj="definition")},
    "reporting:compliance": {"GET": Rule(obj="definition")},
    "reporting:data_form": {
        "GET": Rule(obj="report_form"),
        "POST": Rule(obj="report_form", who=ENTRY, ok=302, changes=True, body=_form_values),
    },
    "reporting:check_form": {
        "GET": Rule(obj="report_form", ok=405, gate=True),
        "POST": Rule(obj="report_form", body=_form_values),
    },
    "reporting:report_detail": {"GET": Rule(obj="report")},
    "reporting:report_step": {
        "GET submit": Rule(obj="report", slug="submit", ok=405, gate=True),
        "POST submit": Rule(
            obj="report", slug="submit", who=ENTRY, ok=302, changes=True, body=_empty
        ),
        "POST approve": Rule(
            obj="report_submitted", slug="approve", who=APPROVE, ok=302, changes=True, body=_empty
        ),
        "POST return": Rule(
            obj="report_submitted", slug="return", who=APPROVE, ok=302, changes=True, body=_reason
        ),
        "POST accept": Rule(
            obj="report_approved", slug="accept", who=CENTRAL, ok=302, changes=True, body=_empty
        ),
        "POST reopen": Rule(
            obj="report_approved", slug="reopen", who=CENTRAL, ok=302, changes=True, body=_reason
        ),
        "POST unknown": Rule(obj="report", slug="unknown", ok=404, body=_empty),
    },
    # The Excel form: every reader in scope downloads it; uploading is entering figures (an
    # empty upload shows the form again with its error, nothing saved).
    "reporting_files:form_xlsx": {
        "GET": Rule(obj="report_form"),
        "POST": Rule(obj="report_form", who=ENTRY, body=_empty),
    },
    "reporting_files:report_document": {"GET": Rule(obj="report")},
    "indicators:indicator_list": {"GET": Rule()},
    "indicators:indicator_detail": {"GET": Rule(obj="indicator")},
    "indicators:target_set": {
        "GET": Rule(obj="indicator", ok=405, gate=True),
        "POST": Rule(obj="indicator", who=CENTRAL, ok=302, changes=True, body=_target),
    },
    "indicators:target_approve": {
        "GET": Rule(obj="target_draft", ok=405, gate=True),
        "POST": Rule(obj="target_draft", who=CENTRAL, ok=302, changes=True, body=_empty),
    },
    "indicators:target_revise": {
        "GET": Rule(obj="target_approved", ok=405, gate=True),
        "POST": Rule(obj="target_approved", who=CENTRAL, ok=302, changes=True, body=_revision),
    },
    # The command centre: national aggregates for every signed-in user; an agency's page, its
    # indicators and exports only in scope (dxgov/dashboard, ADR 0006).
    "dashboard:overview": {"GET": Rule()},
    "dashboard:overview_export": {"GET": Rule(obj="dash_block")},
    "dashboard:agency": {"GET": Rule(obj="agency")},
    "dashboard:agency_export": {"GET": Rule(obj="dash_agency_export")},
    "dashboard:indicator": {"GET": Rule(obj="dash_indicator")},
    "dashboard:indicator_export": {"GET": Rule(obj="dash_indicator_export")},
    "dashboard:compare": {"GET": Rule()},
    # Without two agencies to compare there is nothing to export.
    "dashboard:compare_export": {"GET": Rule(obj="dash_format", ok=404)},
    "dashboard:map": {"GET": Rule()},
    "dashboard:silhouette": {"GET": Rule()},
    "dashboard:wall": {"GET": Rule()},
    "dashboard:events": {"GET": Rule()},
    "notifications:mark_all_read": {
        "GET": Rule(ok=405, gate=True),
        # phutho.canbo has an unread notification to mark, and so has Phú Thọ's leader, who
        # chairs the matrix's steering committee (the open ballot sent to its members).
        "POST": Rule(ok=302, changes=frozenset({"officer", "leader"}), body=_empty),
    },
    "notifications:mark_read": {
        "GET": Rule(obj="notification", ok=405, gate=True),
        "POST": Rule(obj="notification", ok=302, changes=True, body=_empty),
    },
    # Sources' data quality: a province sees its own sources, central roles all of them.
    "dossiers:source_list": {"GET": Rule()},
    "dossiers:source_detail": {"GET": Rule(obj="source")},
    # Decision 766 scores are national figures for every signed-in user; the dossiers behind
    # a count are the agency's (scoped).
    "scoring:ranking": {"GET": Rule()},
    "scoring:ranking_export": {"GET": Rule()},
    "scoring:compare": {"GET": Rule()},
    "scoring:unit": {"GET": Rule(obj="agency_entry")},
    "scoring:unit_export": {"GET": Rule(obj="agency_entry")},
    "scoring:dossiers": {"GET": Rule(obj="agency")},
    # Public investment: the weekly table, the national portfolio, the lists and timeliness
    # are for every signed-in user (projects filtered to the scope); a project, its files and
    # a unit's page are scoped; only the investor's officers and leaders (and administrators)
    # record figures; the thresholds are central roles' (dxgov/investments/access.py).
    "investments:overview": {"GET": Rule()},
    "investments:weekly": {"GET": Rule()},
    "investments:weekly_export": {"GET": Rule(obj="inv_fmt")},
    "investments:unit": {"GET": Rule(obj="agency")},
    "investments:project_list": {"GET": Rule()},
    "investments:project_export": {"GET": Rule()},
    "investments:timeliness": {"GET": Rule()},
    "investments:import_template": {"GET": Rule()},
    # A department officer may register projects, but not for the province (its investor is
    # outside their scope): the form again with its error.
    "investments:project_new": {
        "GET": Rule(who=ENTRY | {"dept_officer"}),
        "POST": Rule(
            who=ENTRY | {"dept_officer"},
            ok=302,
            by_role={"dept_officer": 422},
            changes=ENTRY,
            body=lambda w: investment_matrix.project_body(),
        ),
    },
    "investments:project_detail": {"GET": Rule(obj="inv_project")},
    "investments:evidence": {"GET": Rule(obj="inv_evidence")},
    "investments:disbursement_form": {
        "GET": Rule(obj="inv_project", who=ENTRY),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: investment_matrix.disbursement_form_body(),
        ),
    },
    "investments:disbursement_check": {
        "GET": Rule(obj="inv_project", ok=405, gate=True),
        "POST": Rule(
            obj="inv_project", who=ENTRY, body=lambda w: investment_matrix.disbursement_form_body()
        ),
    },
    "investments:progress_form": {
        "GET": Rule(obj="inv_project", who=ENTRY),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: investment_matrix.progress_body(),
        ),
    },
    "investments:decision_new": {
        "GET": Rule(obj="inv_project", who=ENTRY),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: investment_matrix.decision_body(),
        ),
    },
    "investments:allocation_new": {
        "GET": Rule(obj="inv_project", who=ENTRY),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: investment_matrix.allocation_body(),
        ),
    },
    "investments:schedule_form": {
        "GET": Rule(obj="inv_project", who=ENTRY),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: investment_matrix.schedule_body(),
        ),
    },
    "investments:milestone_done": {
        "GET": Rule(obj="inv_project", ok=405, gate=True),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: {"milestone": "Khởi công", "achieved_on": TODAY.strftime("%d/%m/%Y")},
        ),
    },
    "investments:stalled": {
        "GET": Rule(obj="inv_project", ok=405, gate=True),
        "POST": Rule(
            obj="inv_project",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: {"stalled": "1", "reason": "Vướng mặt bằng"},
        ),
    },
    # No file: the form again with its error (422), nothing imported.
    "investments:import_upload": {
        "GET": Rule(who=ENTRY | {"dept_officer"}),
        "POST": Rule(who=ENTRY | {"dept_officer"}, ok=422, body=_empty),
    },
    "investments:cycle_settings": {
        "GET": Rule(who=CENTRAL),
        "POST": Rule(
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {"good_from": "0,8", "unable_below": "0,25", "grace_share": "0,05"},
        ),
    },
    # Programmes (dxgov/programmes/access.py): a programme is its owner's (in scope, else
    # 404); the owner's officers and leaders write the draft, its leaders submit it and open a
    # new version; central roles review and approve it and see the overlap clusters. Starting
    # one names the owner (Phú Thọ): outside it a department's officer gets a 404.
    "programmes:list": {"GET": Rule()},
    "programmes:export": {"GET": Rule()},
    "programmes:overview": {"GET": Rule()},
    "programmes:new": {
        "GET": Rule(who=PG_START),
        "POST": Rule(
            who=PG_START,
            ok=302,
            by_role={"dept_officer": 404},
            changes=ENTRY,
            body=lambda w: programme_matrix.programme_body(),
        ),
    },
    "programmes:detail": {"GET": Rule(obj="programme")},
    "programmes:document": {"GET": Rule(obj="programme")},
    "programmes:edit": {
        "GET": Rule(obj="programme", ok=405, gate=True),
        "POST": Rule(
            obj="programme",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: programme_matrix.programme_body(),
        ),
    },
    "programmes:add": {
        "GET breakthrough": Rule(obj="programme", slug="breakthrough", ok=405, gate=True),
        "POST breakthrough": Rule(
            obj="programme",
            slug="breakthrough",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: {"title": "Đột phá", "problem": "Vấn đề", "area": "digital_data"},
        ),
        "POST goal": Rule(
            obj="programme",
            slug="goal",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: programme_matrix.goal_body(),
        ),
        "POST task": Rule(
            obj="programme",
            slug="task",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: programme_matrix.task_body(),
        ),
        "POST budget": Rule(
            obj="programme",
            slug="budget",
            who=ENTRY,
            ok=302,
            changes=True,
            body=lambda w: {"year": "2025", "source": "local_budget", "amount": "1.000.000.000"},
        ),
        "POST unknown": Rule(obj="programme", slug="unknown", ok=404, body=_empty),
    },
    "programmes:remove": {
        "GET budget": Rule(obj="pg_item", slug="budget", ok=405, gate=True),
        "POST budget": Rule(
            obj="pg_item", slug="budget", who=ENTRY, ok=302, changes=True, body=_empty
        ),
        "POST unknown": Rule(obj="pg_item", slug="unknown", ok=404, body=_empty),
    },
    "programmes:submit": {
        "GET": Rule(obj="programme", ok=405, gate=True),
        "POST": Rule(obj="programme", who=APPROVE, ok=302, changes=True, body=_empty),
    },
    "programmes:revise": {
        "GET": Rule(obj="programme_approved", ok=405, gate=True),
        "POST": Rule(obj="programme_approved", who=APPROVE, ok=302, changes=True, body=_reason),
    },
    "programmes:review": {
        "GET": Rule(obj="programme_submitted", who=CENTRAL),
        "POST": Rule(
            obj="programme_submitted",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: programme_matrix.checklist_form(),
        ),
    },
    "programmes:return": {
        "GET": Rule(obj="programme_submitted", ok=405, gate=True),
        "POST": Rule(
            obj="programme_submitted",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {"comment-goals": "Ma trận phân quyền"},
        ),
    },
    "programmes:approve": {
        "GET": Rule(obj="programme_submitted", ok=405, gate=True),
        "POST": Rule(
            obj="programme_submitted",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: programme_matrix.approve_body(),
        ),
    },
    "programmes:overlaps": {"GET": Rule(who=CENTRAL)},
    "programmes:overlaps_export": {"GET": Rule(who=CENTRAL)},
    "programmes:overlaps_run": {
        "GET": Rule(ok=405, gate=True),
        "POST": Rule(who=CENTRAL, ok=302, changes=True, body=_empty),
    },
    "programmes:label": {
        "GET": Rule(obj="pg_pair", ok=405, gate=True),
        "POST": Rule(
            obj="pg_pair",
            who=CENTRAL,
            ok=302,
            role_first=True,
            changes=True,
            body=lambda w: {"label": "overlap"},
        ),
    },
    # Composite indices: editions, rankings, breakdowns, sensitivity and definitions are
    # national figures; a unit's self-assessment and its evidence are scoped; appraisal is the
    # council's (here the administrator, chair, and the VPCP coordinator); definitions, the
    # council, recomputing and published results are central roles' (dxgov/indices/access.py).
    "indices:edition_list": {"GET": Rule()},
    "indices:ranking": {"GET": Rule(obj="index_edition")},
    "indices:ranking_export": {"GET": Rule(obj="index_edition")},
    "indices:compute": {
        "GET": Rule(obj="index_compute", ok=405, gate=True),
        "POST": Rule(obj="index_compute", who=CENTRAL, ok=302, changes=True, body=_empty),
    },
    "indices:compare": {"GET": Rule(obj="index_edition")},
    "indices:sensitivity": {"GET": Rule(obj="index_edition")},
    "indices:sensitivity_export": {"GET": Rule(obj="index_edition")},
    "indices:weights": {"GET": Rule(obj="index_edition")},
    "indices:definition": {"GET": Rule(obj="index_edition")},
    # An empty document is not JSON: shown again with its error (422), nothing saved.
    "indices:definition_edit": {
        "GET": Rule(obj="index_edition", who=CENTRAL),
        "POST": Rule(obj="index_edition", who=CENTRAL, ok=422, body=_empty),
    },
    # No file: the form again with its error (422), nothing imported.
    "indices:official": {
        "GET": Rule(obj="index_edition"),
        "POST": Rule(obj="index_edition", who=CENTRAL, ok=422, body=_empty),
    },
    "indices:assessments": {
        "GET": Rule(obj="index_edition"),
        "POST": Rule(
            obj="index_edition",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=lambda w: {"chair": "quantri", "members": "vpcp.dieuphoi"},
        ),
    },
    "indices:unit": {"GET": Rule(obj="index_unit")},
    "indices:unit_export": {"GET": Rule(obj="index_unit")},
    "indices:assessment": {
        "GET": Rule(obj="index_assessment"),
        "POST": Rule(
            obj="index_assessment", who=ENTRY, ok=302, changes=True, body=lambda w: score_form()
        ),
    },
    "indices:assessment_step": {
        "GET submit": Rule(obj="index_assessment", slug="submit", ok=405, gate=True),
        "POST submit": Rule(
            obj="index_assessment", slug="submit", who=ENTRY, ok=302, changes=True, body=_empty
        ),
        "POST approve": Rule(
            obj="index_assessment_submitted",
            slug="approve",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=_empty,
        ),
        "POST return": Rule(
            obj="index_assessment_submitted",
            slug="return",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=_reason,
        ),
        "POST lock": Rule(
            obj="index_assessment_approved",
            slug="lock",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=_empty,
        ),
        "POST reopen": Rule(
            obj="index_assessment_approved",
            slug="reopen",
            who=CENTRAL,
            ok=302,
            changes=True,
            body=_reason,
        ),
        "POST unknown": Rule(obj="index_assessment", slug="unknown", ok=404, body=_empty),
    },
    "indices:evidence": {"GET": Rule(obj="index_evidence")},
    # Committees (dxgov/committees/access.py): a province's committee is its scope's, or its
    # members'; its standing office (officers, leaders, central roles) manages sessions,
    # reports and ballots; only the members answer; notices' tasks follow the directives' rule.
    "committees:list": {"GET": Rule()},
    "committees:mine": {"GET": Rule(), "POST": Rule(ok=422, body=_empty)},
    "committees:detail": {
        "GET": Rule(obj="committee"),
        "POST": Rule(
            obj="committee",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: committee_matrix.session_form_body(),
        ),
    },
    "committees:ballot_new": {
        "GET": Rule(obj="committee", who=MANAGE),
        "POST": Rule(
            obj="committee",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: committee_matrix.ballot_form_body(),
        ),
    },
    "committees:session": {"GET": Rule(obj="cm_session")},
    "committees:report": {
        "GET": Rule(obj="cm_session"),
        "POST": Rule(
            obj="cm_session",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: {"number": "12/BC-MT", "introduction": "Mở đầu", "proposals": ""},
        ),
    },
    "committees:report_docx": {"GET": Rule(obj="cm_session")},
    "committees:live": {"GET": Rule(obj="cm_session")},
    "committees:session_events": {"GET": Rule(obj="cm_session")},
    "committees:session_action": {
        "GET invite": Rule(obj="cm_session", slug="invite", ok=405, gate=True),
        "POST invite": Rule(
            obj="cm_session", slug="invite", who=MANAGE, ok=302, changes=True, body=_empty
        ),
        "POST report": Rule(
            obj="cm_session", slug="report", who=MANAGE, ok=302, changes=True, body=_empty
        ),
        "POST agenda": Rule(
            obj="cm_session",
            slug="agenda",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: {"title": "Nội dung ma trận"},
        ),
        "POST attendance": Rule(
            obj="cm_session_pt",
            slug="attendance",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: committee_matrix.seat_body(),
        ),
        "POST unknown": Rule(obj="cm_session", slug="unknown", ok=404, body=_empty),
    },
    "committees:document": {"GET": Rule(obj="cm_document")},
    "committees:ballot": {
        "GET": Rule(obj="cm_ballot"),
        "POST": Rule(
            obj="cm_ballot", who=MEMBERS, ok=302, changes=True, body=lambda w: {"choice": "agree"}
        ),
    },
    "committees:ballot_docx": {"GET": Rule(obj="cm_ballot")},
    "committees:ballot_events": {"GET": Rule(obj="cm_ballot")},
    "committees:ballot_action": {
        "GET open": Rule(obj="cm_ballot_draft", slug="open", ok=405, gate=True),
        "POST open": Rule(
            obj="cm_ballot_draft", slug="open", who=MANAGE, ok=302, changes=True, body=_empty
        ),
        "POST extend": Rule(
            obj="cm_ballot",
            slug="extend",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: committee_matrix.extend_body(),
        ),
        "POST close": Rule(
            obj="cm_ballot",
            slug="close",
            who=MANAGE,
            ok=302,
            changes=True,
            body=lambda w: {"decision": "Thông qua"},
        ),
        "POST unknown": Rule(obj="cm_ballot", slug="unknown", ok=404, body=_empty),
    },
    "committees:answer_file": {"GET": Rule(obj="cm_answer")},
}

API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/me"): Rule(),
    ("GET", "/api/v1/orgunits"): Rule(),
    ("GET", "/api/v1/orgunits/{code}"): Rule(obj="unit"),
    ("GET", "/api/v1/agencies"): Rule(),
    # The directory entry for everyone; its contact details only in scope (checked by markers).
    ("GET", "/api/v1/agencies/{code}"): Rule(obj="agency_entry"),
    ("PATCH", "/api/v1/agencies/{code}"): Rule(
        obj="agency", who=CHANGE, changes=True, body=_contact
    ),
    ("GET", "/api/v1/agencies/{code}/staff"): Rule(obj="agency"),
    ("GET", "/api/v1/directives"): Rule(),
    ("POST", "/api/v1/directives"): Rule(
        who=CENTRAL,
        ok=201,
        changes=True,
        body=lambda w: {
            "kind": DirectiveKind.CHI_THI,
            "number": "99/CT-MT",
            "issued_on": TODAY.isoformat(),
            "issuing_agency": "CP",
            "title": "Chỉ thị thử ma trận",
        },
    ),
    ("GET", "/api/v1/directives/{directive_id}"): Rule(obj="directive"),
    ("GET", "/api/v1/tasks"): Rule(),
    ("POST", "/api/v1/tasks"): Rule(
        who=CENTRAL,
        ok=201,
        changes=True,
        body=lambda w: {
            "directive": w.objects["directive"]["phutho"],
            "content": "Nhiệm vụ mới",
            "lead_agency": "UBND-T25",
            "deadline": (TODAY + timedelta(days=20)).isoformat(),
        },
    ),
    ("GET", "/api/v1/tasks/statistics"): Rule(),
    ("GET", "/api/v1/tasks/{task_id}"): Rule(obj="task"),
    ("GET", "/api/v1/tasks/{task_id}/timeline"): Rule(obj="task"),
    ("POST", "/api/v1/tasks/{task_id}/progress"): Rule(
        obj="task",
        who=LEAD,
        ok=201,
        changes=True,
        body=lambda w: {"percent": 40, "narrative": "Đã triển khai"},
    ),
    ("POST", "/api/v1/tasks/{task_id}/done"): Rule(
        obj="task", who=LEAD, changes=True, body=lambda w: {"completed_on": TODAY.isoformat()}
    ),
    ("POST", "/api/v1/tasks/{task_id}/confirm"): Rule(
        obj="task_awaiting", who=CENTRAL, changes=True, body=_empty
    ),
    ("POST", "/api/v1/tasks/{task_id}/return"): Rule(
        obj="task_awaiting", who=CENTRAL, changes=True, body=_reason
    ),
    ("POST", "/api/v1/tasks/{task_id}/postpone"): Rule(
        obj="task", who=CENTRAL, changes=True, body=_reason
    ),
    ("POST", "/api/v1/tasks/{task_id}/cancel"): Rule(
        obj="task", who=CENTRAL, changes=True, body=_reason
    ),
    ("POST", "/api/v1/tasks/{task_id}/resume"): Rule(
        obj="task_postponed", who=CENTRAL, changes=True, body=_reason
    ),
    ("POST", "/api/v1/tasks/{task_id}/extension-requests"): Rule(
        obj="task",
        who=LEAD,
        ok=201,
        changes=True,
        body=lambda w: {
            "requested_deadline": (TODAY + timedelta(days=90)).isoformat(),
            "reason": "Chờ kinh phí",
        },
    ),
    ("POST", "/api/v1/extension-requests/{extension_id}/decision"): Rule(
        obj="extension", who=CENTRAL, changes=True, body=lambda w: {"approve": True}
    ),
    ("GET", "/api/v1/audit/public-key"): Rule(public=True),
    # Signed Merkle roots only (no event content), meant to be handed outside the platform.
    ("GET", "/api/v1/audit/checkpoints"): Rule(),
    # The ledger is for administrators and coordinators; for anyone else 403 before the lookup.
    ("GET", "/api/v1/audit/events/{seq}/proof"): Rule(obj="event", who=AUDIT, role_first=True),
    ("GET", "/api/v1/indicators"): Rule(),
    ("GET", "/api/v1/indicators/{code}"): Rule(obj="indicator_code"),
    ("GET", "/api/v1/report-definitions"): Rule(),
    ("GET", "/api/v1/report-definitions/{definition_id}/completeness"): Rule(obj="definition"),
    ("GET", "/api/v1/reports"): Rule(),
    ("GET", "/api/v1/reports/{report_id}"): Rule(obj="report"),
    ("POST", "/api/v1/reports/{report_id}/submit"): Rule(
        obj="report", who=ENTRY, changes=True, body=_empty
    ),
    ("POST", "/api/v1/reports/{report_id}/approve"): Rule(
        obj="report_submitted", who=APPROVE, changes=True, body=_empty
    ),
    ("POST", "/api/v1/reports/{report_id}/return"): Rule(
        obj="report_submitted", who=APPROVE, changes=True, body=_reason
    ),
    ("POST", "/api/v1/reports/{report_id}/accept"): Rule(
        obj="report_approved", who=CENTRAL, changes=True, body=_empty
    ),
    ("POST", "/api/v1/reports/{report_id}/reopen"): Rule(
        obj="report_approved", who=CENTRAL, changes=True, body=_reason
    ),
    # The body names Phú Thọ: outside a department officer's scope (404), and coordinators
    # and viewers do not enter figures (403).
    ("POST", "/api/v1/datavalues"): Rule(
        who=ENTRY | {"dept_officer"},
        by_role={"dept_officer": 404},
        changes=ENTRY,
        body=lambda w: {
            "definition": "MX-THANG",
            "agency": "UBND-T25",
            "period": "202604",
            "values": [{"indicator": "MXCOUNT", "value": "7"}],
        },
    ),
    # Without its required query (indicator, agency, from, to) the series is a 422.
    ("GET", "/api/v1/series"): Rule(ok=422),
    ("GET", "/api/v1/notifications"): Rule(),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Rule(
        obj="notification", changes=True, body=_empty
    ),
    # Only a source system's own token sends batches: no person's session or token may.
    ("POST", "/api/v1/dossiers/batches"): Rule(who=frozenset(), body=_batch),
    ("GET", "/api/v1/dossiers/batches/{id}"): Rule(obj="batch"),
    ("GET", "/api/v1/dossiers/batches/{id}/quarantine"): Rule(obj="batch"),
    ("GET", "/api/v1/scores/ranking"): Rule(),
    ("GET", "/api/v1/scores/compare"): Rule(),
    ("GET", "/api/v1/scores/units/{code}"): Rule(obj="agency_entry"),
    ("GET", "/api/v1/scores/units/{code}/dossiers"): Rule(obj="agency"),
    # Forecasts of the agencies in scope and the nation's; `?agency=` outside scope is a 404
    # (forecasting/tests/test_api.py).
    ("GET", "/api/v1/forecasts"): Rule(),
    # The early warnings in the caller's scope, national by default; `?agency=` outside scope
    # is a 404 (dashboard/tests/test_api.py).
    ("GET", "/api/v1/warnings"): Rule(),
    # Public investment (dxgov/investments/api.py): projects and their figures scoped, only
    # the investor's officers and leaders record; the weekly table and portfolio for everyone.
    ("GET", "/api/v1/investments/projects"): Rule(),
    # The body names Phú Thọ as investor: outside a department officer's scope (404).
    ("POST", "/api/v1/investments/projects"): Rule(
        who=ENTRY | {"dept_officer"},
        ok=201,
        by_role={"dept_officer": 404},
        changes=ENTRY,
        body=lambda w: investment_matrix.project_body(),
    ),
    ("GET", "/api/v1/investments/projects/{project_id}"): Rule(obj="inv_project"),
    ("GET", "/api/v1/investments/projects/{project_id}/timeline"): Rule(obj="inv_project"),
    ("GET", "/api/v1/investments/projects/{project_id}/disbursements"): Rule(obj="inv_project"),
    ("GET", "/api/v1/investments/projects/{project_id}/schedule"): Rule(obj="inv_project"),
    ("PUT", "/api/v1/investments/projects/{project_id}/schedule"): Rule(
        obj="inv_project",
        who=ENTRY,
        changes=True,
        body=lambda w: {
            "plan_year": investment_matrix.plan_year(),
            "months": investment_matrix.schedule_months(),
        },
    ),
    ("POST", "/api/v1/investments/projects/{project_id}/decisions"): Rule(
        obj="inv_project",
        who=ENTRY,
        ok=201,
        changes=True,
        body=lambda w: investment_matrix.decision_api_body(),
    ),
    ("POST", "/api/v1/investments/projects/{project_id}/allocations"): Rule(
        obj="inv_project",
        who=ENTRY,
        ok=201,
        changes=True,
        body=lambda w: investment_matrix.allocation_api_body(),
    ),
    ("POST", "/api/v1/investments/projects/{project_id}/progress"): Rule(
        obj="inv_project",
        who=ENTRY,
        ok=201,
        changes=True,
        body=lambda w: investment_matrix.progress_api_body(),
    ),
    # The rows name the Phú Thọ project: outside a department officer's scope (404).
    ("POST", "/api/v1/investments/disbursements"): Rule(
        who=ENTRY | {"dept_officer"},
        by_role={"dept_officer": 404},
        changes=ENTRY,
        body=lambda w: investment_matrix.bulk_body(),
    ),
    ("GET", "/api/v1/investments/weekly"): Rule(),
    ("GET", "/api/v1/investments/portfolio"): Rule(),
    ("GET", "/api/v1/investments/timeliness"): Rule(),
    # Composite indices: national figures for every signed-in user; a unit's self-assessment
    # scoped; appraisal by the council; recomputing by central roles.
    ("GET", "/api/v1/indices/editions"): Rule(),
    ("GET", "/api/v1/indices/editions/{code}"): Rule(obj="index_edition"),
    ("GET", "/api/v1/indices/editions/{code}/results"): Rule(obj="index_edition"),
    ("GET", "/api/v1/indices/editions/{code}/units/{unit_code}"): Rule(obj="index_unit"),
    ("GET", "/api/v1/indices/editions/{code}/sensitivity"): Rule(obj="index_edition"),
    ("GET", "/api/v1/indices/editions/{code}/official"): Rule(obj="index_edition"),
    ("POST", "/api/v1/indices/editions/{code}/compute"): Rule(
        obj="index_compute", who=CENTRAL, changes=True, body=_empty
    ),
    ("GET", "/api/v1/indices/editions/{code}/assessments/{unit_code}"): Rule(
        obj="index_assessment"
    ),
    ("POST", "/api/v1/indices/editions/{code}/assessments/{unit_code}/scores"): Rule(
        obj="index_assessment",
        who=ENTRY,
        changes=True,
        body=lambda w: {"scores": [{"node": "CS1", "score": "70", "comment": "Ma trận"}]},
    ),
    ("POST", "/api/v1/indices/editions/{code}/assessments/{unit_code}/appraisals"): Rule(
        obj="index_assessment_submitted",
        who=CENTRAL,
        changes=True,
        body=lambda w: {"node": "CS1", "score": "40", "comment": "Thiếu minh chứng"},
    ),
    ("POST", "/api/v1/indices/editions/{code}/assessments/{unit_code}/{step}"): Rule(
        obj="index_assessment", who=ENTRY, changes=True, body=_empty
    ),
    # Programmes: as their pages (see PAGES).
    ("GET", "/api/v1/programmes"): Rule(),
    ("POST", "/api/v1/programmes"): Rule(
        who=PG_START,
        ok=201,
        by_role={"dept_officer": 404},
        changes=ENTRY,
        body=lambda w: programme_matrix.api_programme_body(),
    ),
    ("GET", "/api/v1/programmes/overview"): Rule(),
    ("GET", "/api/v1/programmes/overlaps/clusters"): Rule(who=CENTRAL),
    ("POST", "/api/v1/programmes/overlaps/pairs/{pair_id}/label"): Rule(
        obj="pg_pair",
        who=CENTRAL,
        role_first=True,
        changes=True,
        body=lambda w: {"label": "overlap"},
    ),
    ("GET", "/api/v1/programmes/{programme_id}"): Rule(obj="programme"),
    ("POST", "/api/v1/programmes/{programme_id}/breakthroughs"): Rule(
        obj="programme",
        who=ENTRY,
        changes=True,
        body=lambda w: {"title": "Đột phá", "problem": "Vấn đề", "area": "digital_data"},
    ),
    ("POST", "/api/v1/programmes/{programme_id}/goals"): Rule(
        obj="programme", who=ENTRY, changes=True, body=lambda w: programme_matrix.api_goal_body()
    ),
    ("POST", "/api/v1/programmes/{programme_id}/tasks"): Rule(
        obj="programme", who=ENTRY, changes=True, body=lambda w: programme_matrix.api_task_body()
    ),
    ("POST", "/api/v1/programmes/{programme_id}/budget"): Rule(
        obj="programme",
        who=ENTRY,
        changes=True,
        body=lambda w: {"year": 2025, "source": "local_budget", "amount": "1.000.000.000"},
    ),
    ("POST", "/api/v1/programmes/{programme_id}/submit"): Rule(
        obj="programme", who=APPROVE, changes=True, body=_empty
    ),
    ("POST", "/api/v1/programmes/{programme_id}/comments"): Rule(
        obj="programme_submitted",
        who=CENTRAL,
        changes=True,
        body=lambda w: {"section": "goals", "text": "Ma trận phân quyền"},
    ),
    ("POST", "/api/v1/programmes/{programme_id}/checklist"): Rule(
        obj="programme_submitted",
        who=CENTRAL,
        changes=True,
        body=lambda w: {"met": dict.fromkeys(programme_matrix.CHECKLIST, True)},
    ),
    ("POST", "/api/v1/programmes/{programme_id}/return"): Rule(
        obj="programme_submitted",
        who=CENTRAL,
        changes=True,
        body=lambda w: {"comments": [{"section": "goals", "text": "Ma trận phân quyền"}]},
    ),
    ("POST", "/api/v1/programmes/{programme_id}/approve"): Rule(
        obj="programme_submitted",
        who=CENTRAL,
        changes=True,
        body=lambda w: programme_matrix.approve_api_body(),
    ),
    ("POST", "/api/v1/programmes/{programme_id}/revise"): Rule(
        obj="programme_approved", who=APPROVE, changes=True, body=_reason
    ),
    # Committees: as their pages (see PAGES); public keys verify signatures for anyone.
    ("GET", "/api/v1/committees"): Rule(),
    ("GET", "/api/v1/committees/{committee_id}"): Rule(obj="committee"),
    ("GET", "/api/v1/committees/{committee_id}/sessions"): Rule(obj="committee"),
    ("POST", "/api/v1/committees/{committee_id}/ballots"): Rule(
        obj="committee",
        who=MANAGE,
        ok=201,
        changes=True,
        body=lambda w: committee_matrix.ballot_api_body(),
    ),
    ("GET", "/api/v1/committees/sessions/{session_id}"): Rule(obj="cm_session"),
    ("POST", "/api/v1/committees/sessions/{session_id}/attendance"): Rule(
        obj="cm_session_pt",
        who=MANAGE,
        changes=True,
        body=lambda w: committee_matrix.seat_api_body(),
    ),
    ("GET", "/api/v1/committees/sessions/{session_id}/report"): Rule(obj="cm_session"),
    ("POST", "/api/v1/committees/sessions/{session_id}/report"): Rule(
        obj="cm_session", who=MANAGE, changes=True, body=_empty
    ),
    ("GET", "/api/v1/committees/sessions/{session_id}/conclusion"): Rule(obj="cm_session"),
    ("POST", "/api/v1/committees/conclusion-items/{item_id}/tasks"): Rule(
        obj="cm_item",
        who=CENTRAL,
        ok=201,
        changes=True,
        body=lambda w: committee_matrix.task_api_body(),
    ),
    ("GET", "/api/v1/committees/ballots"): Rule(),
    ("GET", "/api/v1/committees/ballots/{ballot_id}"): Rule(obj="cm_ballot"),
    ("POST", "/api/v1/committees/ballots/{ballot_id}/answers"): Rule(
        obj="cm_ballot", who=MEMBERS, ok=201, changes=True, body=lambda w: {"choice": "agree"}
    ),
    ("GET", "/api/v1/committees/ballots/{ballot_id}/answers"): Rule(obj="cm_ballot"),
    ("POST", "/api/v1/committees/ballots/{ballot_id}/close"): Rule(
        obj="cm_ballot", who=MANAGE, changes=True, body=lambda w: {"decision": "Thông qua"}
    ),
    ("GET", "/api/v1/committees/keys/{key_id}"): Rule(obj="cm_key"),
    ("POST", "/api/v1/committees/keys"): Rule(
        ok=201, changes=True, body=lambda w: committee_matrix.key_body()
    ),
}

# --- objects -----------------------------------------------------------------------------

# Each kind of object in a path, the scopes it is built in, and how visibility works:
# "agency" objects follow COVERS, "everyone" objects are for every signed-in user,
# "recipient" ones for their recipient only. "missing" is an id nothing has.
OBJECTS: dict[str, tuple[tuple[str, ...], str]] = {
    "task": (("phutho", "dept", "dienbien"), "agency"),
    "task_awaiting": (("phutho", "dienbien"), "agency"),
    "task_postponed": (("phutho", "dienbien"), "agency"),
    "task_extension": (("phutho", "dienbien"), "agency"),
    "extension": (("phutho", "dienbien"), "agency"),
    "attachment": (("phutho", "dienbien"), "agency"),
    "agency": (("phutho", "dept", "dienbien"), "agency"),
    "agency_entry": (("phutho", "dept", "dienbien"), "everyone"),
    "directive": (("phutho", "dienbien"), "everyone"),
    "unit": (("phutho", "dienbien"), "everyone"),
    "event": (("phutho", "dienbien"), "everyone"),
    "notification": (("phutho", "dienbien"), "recipient"),
    "report": (("phutho", "dienbien"), "agency"),
    "report_submitted": (("phutho", "dienbien"), "agency"),
    "report_approved": (("phutho", "dienbien"), "agency"),
    "report_form": (("phutho", "dienbien"), "agency"),
    "definition": (("phutho", "dienbien"), "everyone"),
    "indicator": (("phutho", "dienbien"), "everyone"),
    "indicator_code": (("phutho", "dienbien"), "everyone"),
    "target_draft": (("phutho", "dienbien"), "everyone"),
    "target_approved": (("phutho", "dienbien"), "everyone"),
    "dash_block": (("phutho", "dienbien"), "everyone"),
    "dash_format": (("phutho", "dienbien"), "everyone"),
    "dash_agency_export": (("phutho", "dienbien"), "agency"),
    "dash_indicator": (("phutho", "dienbien"), "agency"),
    "dash_indicator_export": (("phutho", "dienbien"), "agency"),
    "source": (("phutho", "dienbien"), "agency"),
    "batch": (("phutho", "dienbien"), "agency"),
    "inv_project": (("phutho", "dienbien"), "agency"),
    "inv_evidence": (("phutho", "dienbien"), "agency"),
    "inv_fmt": (("phutho", "dienbien"), "everyone"),
    "index_edition": (("phutho", "dienbien"), "everyone"),
    # Recomputing is refused by role before anything: one edition is enough.
    "index_compute": (("phutho",), "everyone"),
    "index_unit": (("phutho", "dienbien"), "everyone"),
    "index_assessment": (("phutho", "dienbien"), "agency"),
    "index_assessment_submitted": (("phutho", "dienbien"), "agency"),
    "index_assessment_approved": (("phutho", "dienbien"), "agency"),
    "index_evidence": (("phutho", "dienbien"), "agency"),
    "committee": (("phutho", "dienbien"), "agency"),
    "cm_session": (("phutho", "dienbien"), "agency"),
    # A body naming Phú Thọ's committee members: tried on Phú Thọ's session only.
    "cm_session_pt": (("phutho",), "agency"),
    "cm_document": (("phutho", "dienbien"), "agency"),
    "cm_ballot": (("phutho", "dienbien"), "agency"),
    "cm_ballot_draft": (("phutho", "dienbien"), "agency"),
    "cm_answer": (("phutho", "dienbien"), "agency"),
    "cm_item": (("phutho", "dienbien"), "agency"),
    "cm_key": (("phutho", "dienbien"), "everyone"),
    "programme": (("phutho", "dienbien"), "agency"),
    "programme_submitted": (("phutho", "dienbien"), "agency"),
    "programme_approved": (("phutho", "dienbien"), "agency"),
    "pg_item": (("phutho", "dienbien"), "agency"),
    # The overlap pairs are central roles' (checked before the pair is looked up).
    "pg_pair": (("phutho",), "everyone"),
}
MISSING: dict[str, Any] = {
    "agency": "ZZ-KHONG-CO",
    "agency_entry": "ZZ-KHONG-CO",
    "indicator_code": "ZZ-KHONG-CO",
    "unit": "99",
}
MISSING_ID = 987654321
MISSING["report_form"] = {
    "definition_id": MISSING_ID,
    "agency_code": "ZZ-KHONG-CO",
    "period": "202603",
}
for _kind in ("target_draft", "target_approved"):
    MISSING[_kind] = {"indicator_id": MISSING_ID, "target_id": MISSING_ID}
MISSING.update(INDEX_MISSING)
MISSING.update(committee_matrix.MISSING)
MISSING.update(programme_matrix.MISSING)
MISSING["dash_block"] = {"block": "khong-co", "fmt": "csv"}
MISSING["dash_format"] = {"fmt": "pdf"}
MISSING["inv_fmt"] = "pdf"
MISSING["dash_agency_export"] = {"code": "ZZ-KHONG-CO", "block": "tasks", "fmt": "csv"}
MISSING["dash_indicator"] = {"code": "ZZ-KHONG-CO", "indicator_id": MISSING_ID}
MISSING["dash_indicator_export"] = {
    "code": "ZZ-KHONG-CO",
    "indicator_id": MISSING_ID,
    "fmt": "xlsx",
}

# Strings that appear only in one owner's objects: a response to a user who does not cover
# the owner must not contain them.
MARKERS = {
    "phutho": [
        "MX-PT-TASK",
        "MX-PT-PROGRESS",
        "MX-PT-EXTENSION",
        "MX-PT-EVIDENCE",
        "MX-PT-VALUE",
        "mx-pt-lienhe@",
        "MX-PT-QUARANTINE",
        "MX-PT-SOURCE",
        "MX-PT-INV",
        "MX-PT-BCD",
        "MX-PT-PHIEN",
        "MX-PT-PHIEU",
        "MX-PT-DEAN",
    ],
    "dept": ["MX-SO-TASK"],
    "dienbien": [
        "MX-DB-TASK",
        "MX-DB-PROGRESS",
        "MX-DB-EXTENSION",
        "MX-DB-EVIDENCE",
        "MX-DB-VALUE",
        "mx-db-lienhe@",
        "MX-DB-QUARANTINE",
        "MX-DB-SOURCE",
        "MX-DB-INV",
        "MX-DB-BCD",
        "MX-DB-PHIEN",
        "MX-DB-PHIEU",
        "MX-DB-DEAN",
        "dienbien.canbo",
        "dienbien.lanhdao",
    ],
}
NOTIFICATION_MARKERS = {"phutho": "MX-NOTE-PHUTHO", "dienbien": "MX-NOTE-DIENBIEN"}


# Directives are documents every official reads (the "directive" row: everyone), and two of
# them name another owner's objects by rule: a committee's concluding notice is titled with the
# committee's name, and an approved programme's decision with the programme's title. On the
# directives' own lists those names are public; everywhere else the markers stay forbidden.
PUBLIC_MARKERS: dict[str, tuple[str, ...]] = {
    "directives:directive_list": ("-BCD", "-DEAN"),
    "directives:directive_detail": ("-BCD", "-DEAN"),
    "/api/v1/directives": ("-BCD", "-DEAN"),
    "/api/v1/directives/{directive_id}": ("-BCD", "-DEAN"),
}


def forbidden_markers(actor: Actor) -> list[str]:
    covered = COVERS[actor.role]
    found = [m for owner, markers in MARKERS.items() if owner not in covered for m in markers]
    for owner, marker in NOTIFICATION_MARKERS.items():
        if NOTIFICATION_OWNER[owner] != actor.role or actor.role == "anonymous":
            found.append(marker)
    return found


# --- the expected answer -----------------------------------------------------------------

LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/2fa/"


@dataclass(frozen=True)
class Expected:
    status: int
    location: str | None = None  # a redirect's target starts with this
    changes: bool = False


def visible(role: str, kind: str, scope: str) -> bool:
    if scope == "missing":
        return False
    rule = OBJECTS[kind][1]
    if rule == "everyone":
        return True
    if rule == "recipient":
        return NOTIFICATION_OWNER[scope] == role
    return scope in COVERS[role]


def expected(rule: Rule, actor: Actor, scope: str | None, *, api_call: bool) -> Expected:
    role = actor.role
    if actor.how == "anonymous" and not rule.public:
        return Expected(401) if api_call else Expected(302, LOGIN)
    if actor.how == "no2fa" and not rule.open_2fa:
        return Expected(403) if api_call else Expected(302, SECOND_FACTOR)
    ok = Expected(rule.by_role.get(role, rule.ok))
    if rule.public and actor.how == "anonymous":
        return ok
    if rule.gate:
        return ok
    if rule.role_first and role not in rule.who:
        return Expected(403)
    if rule.obj is not None and scope is not None and not visible(role, rule.obj, scope):
        return Expected(404)
    if role not in rule.who:
        return Expected(403)
    changes = rule.changes if isinstance(rule.changes, bool) else role in rule.changes
    return Expected(ok.status, changes=changes)


# --- the world: one object of each kind per owner, built once for the module ----------------


@dataclass
class World:
    objects: dict[str, dict[str, Any]]
    sessions: dict[str, str]  # actor name -> session key
    tokens: dict[str, str]  # actor name -> bearer token

    def client(self, actor: Actor) -> Client:
        if actor.how == "bearer":
            return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[actor.name]}")
        client = Client()
        if actor.how != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[actor.name]
        return client

    def value(self, kind: str, scope: str) -> Any:
        if scope == "missing":
            return MISSING.get(kind, MISSING_ID)
        return self.objects[kind][scope]


def _user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def _build(owner: str, agency_code: str, officer: User, coordinator: User) -> dict[str, Any]:
    """A directive, four tasks (open with a report and evidence, awaiting confirmation,
    postponed, with a pending extension request) and the agency's contact details."""
    # The marker in every string (MARKERS); directive numbers need digits, so they get their own.
    tag = {"phutho": "PT", "dienbien": "DB"}[owner]
    number = {"phutho": "901", "dienbien": "902"}[owner]
    agency = Agency.objects.get(code=agency_code)
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.QUYET_DINH,
        number=f"{number}/QĐ-MATRAN",
        issued_on=TODAY - timedelta(days=60),
        issuing_agency=agency,
        title=f"Quyết định của {agency.name}",
    )

    def task(name: str) -> Task:
        return actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=f"MX-{tag}-TASK {name}",
            lead_agency=agency,
            deadline=TODAY + timedelta(days=30),
        )

    open_task = task("open")
    report = actions.report_progress_with_evidence(
        acting_user=officer,
        task=open_task,
        percent=20,
        narrative=f"MX-{tag}-PROGRESS",
        uploads=[actions.Upload(f"MX-{tag}-EVIDENCE.pdf", PDF)],
    )
    awaiting = task("awaiting")
    actions.mark_task_done(acting_user=officer, task=awaiting, completed_on=TODAY)
    postponed = task("postponed")
    actions.postpone_task(acting_user=coordinator, task=postponed, reason="Tạm hoãn")
    with_extension = task("extension")
    extension = actions.request_extension(
        acting_user=officer,
        task=with_extension,
        requested_deadline=TODAY + timedelta(days=60),
        reason=f"MX-{tag}-EXTENSION",
    )
    update_agency_contact(
        acting_user=coordinator,
        agency=agency,
        email=f"mx-{tag.lower()}-lienhe@example.vn",
        phone="0200 000 000",
        address="Trụ sở",
    )
    notification = notify(
        recipient=officer,
        kind=NotificationKind.TASK_DUE_SOON,
        title=f"MX-NOTE-{'PHUTHO' if owner == 'phutho' else 'DIENBIEN'}",
        body="Nhiệm vụ sắp đến hạn",
        link=f"/directives/tasks/{open_task.pk}/",
        dedupe_key=f"matrix:{owner}",
        send_email=False,
    )
    assert notification is not None
    event = AuditEvent.objects.filter(
        target_type="directives.task", target_id=str(open_task.pk)
    ).earliest("seq")
    short = {"phutho": "PT", "dienbien": "DB"}[owner]
    source = dossier_actions.create_source(
        acting_user=coordinator,
        code=f"MX-{short}",
        name=f"MX-{short}-SOURCE",
        owner=agency,
        agencies=[agency],
    )
    refused = {"code": f"MX-{short}-QUARANTINE", "agency_code": agency_code}
    batch = dossier_actions.receive_batch(
        acting_user=source.user,
        source=source,
        batch_id="matrix-1",
        items=[(0, "records[0]", refused, None)],
    ).batch
    return {
        "directive": directive.pk,
        "task": open_task.pk,
        "task_awaiting": awaiting.pk,
        "task_postponed": postponed.pk,
        "task_extension": with_extension.pk,
        "extension": extension.pk,
        "attachment": report.attachments.get().pk,
        "agency": agency_code,
        "agency_entry": agency_code,
        "unit": agency.orgunit.code if agency.orgunit else "",
        "event": event.seq,
        "notification": notification.pk,
        "source": source.pk,
        "batch": batch.pk,
    }


def _build_world() -> World:
    coordinator = _user("vpcp.dieuphoi")
    phutho = _build("phutho", "UBND-T25", _user("phutho.canbo"), coordinator)
    dienbien = _build("dienbien", "UBND-T11", _user("dienbien.canbo"), coordinator)
    dept_task = actions.create_task(
        acting_user=coordinator,
        directive=Directive.objects.get(pk=phutho["directive"]),
        content="MX-SO-TASK open",
        lead_agency=Agency.objects.get(code="SO-25-KHCN"),
        deadline=TODAY + timedelta(days=30),
    )
    reporting = build_reporting_world(coordinator)
    phutho.update(reporting["phutho"])
    dienbien.update(reporting["dienbien"])
    indices = build_indices_world(coordinator)
    phutho.update(indices["phutho"])
    dienbien.update(indices["dienbien"])
    investments = investment_matrix.build_investment_world()
    phutho.update(investments["phutho"])
    dienbien.update(investments["dienbien"])
    committees = committee_matrix.build_committees_world(coordinator)
    phutho.update(committees["phutho"])
    dienbien.update(committees["dienbien"])
    programmes = programme_matrix.build_programmes_world(coordinator)
    phutho.update(programmes["phutho"])
    dienbien.update(programmes["dienbien"])
    for owner in (phutho, dienbien):
        code, indicator = owner["agency"], owner["indicator"]
        owner["dash_block"] = {"block": "tasks", "fmt": "csv"}
        owner["dash_format"] = {"fmt": "xlsx"}
        owner["dash_agency_export"] = {"code": code, "block": "tasks", "fmt": "csv"}
        owner["dash_indicator"] = {"code": code, "indicator_id": indicator}
        owner["dash_indicator_export"] = {"code": code, "indicator_id": indicator, "fmt": "xlsx"}
    create_checkpoint(acting_user=_user("quantri"))
    objects: dict[str, dict[str, Any]] = {
        kind: {"phutho": phutho[kind], "dienbien": dienbien[kind]} for kind in OBJECTS
    }
    objects["task"]["dept"] = dept_task.pk
    objects["agency"]["dept"] = objects["agency_entry"]["dept"] = "SO-25-KHCN"
    sessions = {}
    for actor in PAGE_ACTORS:
        if actor.how in {"session", "no2fa"}:
            client = client_for(_user(USERNAMES[actor.role]), second_factor=actor.how != "no2fa")
            sessions[actor.name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    tokens = {}
    for actor in API_ACTORS:
        if actor.how == "bearer":
            user = _user(USERNAMES[actor.role])
            tokens[actor.name] = create_token(acting_user=user, user=user, name="matrix")[1]
    return World(objects=objects, sessions=sessions, tokens=tokens)


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("access-matrix")
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
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- what the database holds, to compare before and after a request ----------------------


def reporting_state() -> tuple[Any, ...]:
    from dxgov.core.models import Holiday
    from dxgov.indicators.models import Indicator, Target, ValidationRule
    from dxgov.reporting.models import ReportDefinition

    return (
        list(Target.objects.order_by("pk").values_list("pk", "value", "state")),
        Indicator.objects.count(),
        ValidationRule.objects.count(),
        ReportDefinition.objects.count(),
        Holiday.objects.count(),
    )


def db_state() -> tuple[Any, ...]:
    return (
        AuditEvent.objects.count(),
        Directive.objects.count(),
        list(
            Task.objects.order_by("pk").values_list(
                "pk", "status", "deadline", "original_deadline", "progress_percent", "completed_on"
            )
        ),
        ProgressReport.objects.count(),
        list(ExtensionRequest.objects.order_by("pk").values_list("pk", "state", "decided_at")),
        Attachment.objects.count(),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        list(
            Agency.objects.filter(code__in=["UBND-T25", "SO-25-KHCN", "UBND-T11"])
            .order_by("code")
            .values_list("code", "email", "phone", "address")
        ),
        list(User.objects.order_by("pk").values_list("pk", "password", "role", "agency_id")),
        ApiToken.objects.count(),
        TOTPDevice.objects.count(),
        list(DataValue.objects.order_by("pk").values_list("pk", "value", "version", "comment")),
        list(Report.objects.order_by("pk").values_list("pk", "status")),
        reporting_state(),
        investment_matrix.investments_state(),
        committee_matrix.committees_state(),
        Batch.objects.count(),
    )


def response_text(response: Any) -> str:
    """The body as text; an Excel file's XML parts unpacked (a file download's bytes as is)."""
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            data = b"".join(package.read(name) for name in package.namelist())
    return data.decode("utf-8", errors="replace")


# --- the cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    actor: Actor
    rule: Rule
    method: str
    scope: str | None
    api_call: bool
    route: str  # a URL name (pages) or the path template (API)


def _scopes(rule: Rule) -> list[str | None]:
    if rule.obj is None:
        return [None]
    return [*OBJECTS[rule.obj][0], "missing"]


def _actors(actors: list[Actor], scope: str | None) -> list[Actor]:
    """Callers stopped before any lookup (anonymous, second factor not given) are tried on
    the in-scope object and on a missing id only: their answer never depends on the object."""
    if scope in {None, "phutho", "missing"}:
        return actors
    return [a for a in actors if a.how in {"session", "bearer"}]


def _page_cases() -> list[Case]:
    cases = []
    for name, methods in PAGES.items():
        for label, rule in methods.items():
            method = label.split()[0]
            for scope in _scopes(rule):
                for actor in _actors(PAGE_ACTORS, scope):
                    parts = [name, label.replace(" ", ":"), actor.name, scope or ""]
                    cases.append(
                        Case(
                            ":".join(p for p in parts if p), actor, rule, method, scope, False, name
                        )
                    )
    return cases


def _api_cases() -> list[Case]:
    cases = []
    for (method, path), rule in API.items():
        for scope in _scopes(rule):
            for actor in _actors(API_ACTORS, scope):
                parts = [method, path, actor.name, scope or ""]
                cases.append(
                    Case(":".join(p for p in parts if p), actor, rule, method, scope, True, path)
                )
    return cases


PARAM = re.compile(r"\{(\w+)\}")


def _url(case: Case, world: World) -> str:
    value = world.value(case.rule.obj, case.scope) if case.rule.obj and case.scope else None
    # An object named by several path parameters (a report form: definition, agency, period)
    # is a dict of them.
    if case.api_call:
        if isinstance(value, dict):
            return PARAM.sub(lambda m: str(value[m.group(1)]), case.route)
        return PARAM.sub(lambda m: str(value), case.route)
    params = _route_params()[case.route]
    kwargs = {}
    for param in params:
        if param in ("action", "step"):
            kwargs[param] = case.rule.slug
        else:
            kwargs[param] = value[param] if isinstance(value, dict) else value
    return reverse(case.route, kwargs=kwargs)


def run(case: Case, world: World) -> None:
    client = world.client(case.actor)
    url = _url(case, world)
    want = expected(case.rule, case.actor, case.scope, api_call=url.startswith("/api/"))
    # Reads are not expected to write; every write is compared before and after.
    write = case.method != "GET"
    before = db_state() if write else None
    body = case.rule.body(world) if case.rule.body else None
    if case.method == "GET":
        response = client.get(url)
    elif case.api_call:
        response = client.generic(
            case.method, url, data=json.dumps(body or {}), content_type="application/json"
        )
    else:
        response = client.post(url, body or {})
    assert response.status_code == want.status, (
        f"{case.method} {url} as {case.actor.name}: {response.status_code}, expected {want.status}"
    )
    if want.location is not None:
        assert response["Location"].startswith(want.location), response["Location"]
    if write:
        after = db_state()
        if want.changes:
            assert after != before, f"{case.method} {url} as {case.actor.name} changed nothing"
        else:
            assert after == before, f"{case.method} {url} as {case.actor.name} changed the database"
    text = response_text(response)
    public = PUBLIC_MARKERS.get(case.route, ())
    leaked = [
        marker
        for marker in forbidden_markers(case.actor)
        if marker in text and not marker.endswith(public)
    ]
    assert not leaked, f"{case.method} {url} shows {case.actor.name} {leaked}"


PAGE_CASES = _page_cases()
API_CASES = _api_cases()


@pytest.mark.parametrize("case", PAGE_CASES, ids=[c.id for c in PAGE_CASES])
def test_page(case: Case, world: World) -> None:
    run(case, world)


@pytest.mark.parametrize("case", API_CASES, ids=[c.id for c in API_CASES])
def test_api(case: Case, world: World) -> None:
    run(case, world)


# --- every route has its row -------------------------------------------------------------


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(p for p in (namespace, pattern.namespace) if p) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name or "")
            yield prefix + str(pattern.pattern), name, pattern


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


@cache
def _route_params() -> dict[str, list[str]]:
    """Every page route by name (API operations left to the schema), with its path parameters."""
    api_paths = {path for _method, path in _api_operations()}
    found: dict[str, list[str]] = {}
    for route, name, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("static/", "media/")) or _openapi_path(route) in api_paths:
            continue
        found[name or route] = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return found


def test_every_page_has_expectations() -> None:
    pages = set(_route_params())
    assert not pages - set(PAGES), f"pages with no row in PAGES: {sorted(pages - set(PAGES))}"
    assert not set(PAGES) - pages, f"rows for pages that are gone: {sorted(set(PAGES) - pages)}"


def test_every_api_operation_has_expectations(world: World) -> None:
    operations = _api_operations()
    assert not operations - set(API), f"operations with no row: {sorted(operations - set(API))}"
    assert not set(API) - operations, f"rows for operations gone: {sorted(set(API) - operations)}"
    # The schema served over HTTP lists the same operations.
    served = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {(m.upper(), p) for p, ops in served.items() for m in ops} == operations


# --- an empty body tells nothing either --------------------------------------------------

WRITES_WITH_OBJECT = [
    (method, path)
    for (method, path), rule in API.items()
    if method != "GET" and rule.obj is not None and "dienbien" in OBJECTS[rule.obj][0]
]
# Coordinators and administrators see Điện Biên's objects: the matrix covers them.
SIGNED_IN_API_ACTORS = [
    a for a in API_ACTORS if a.how in {"session", "bearer"} and "dienbien" not in COVERS[a.role]
]


@pytest.mark.parametrize("actor", SIGNED_IN_API_ACTORS, ids=[a.name for a in SIGNED_IN_API_ACTORS])
@pytest.mark.parametrize(
    "operation", WRITES_WITH_OBJECT, ids=[f"{m}:{p}" for m, p in WRITES_WITH_OBJECT]
)
def test_empty_write_answers_the_same_for_out_of_scope_and_missing(
    operation: tuple[str, str], actor: Actor, world: World
) -> None:
    """Whether the body is refused first (422) or the object looked up first (404), an object
    outside the caller's scope and one that does not exist get the same answer, and nothing
    is written."""
    method, path = operation
    rule = API[operation]
    client = world.client(actor)
    before = db_state()
    answers = []
    for scope in ("dienbien", "missing"):
        url = PARAM.sub(lambda m, s=scope: str(world.value(rule.obj or "", s)), path)
        response = client.generic(method, url, data="{}", content_type="application/json")
        answers.append(response.status_code)
    assert db_state() == before
    assert answers[0] == answers[1] and answers[0] in {404, 422}, answers
