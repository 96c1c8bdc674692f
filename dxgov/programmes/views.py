"""Programme pages: the list, the national overview, a programme's page (breakthroughs, goals
with their current values and forecasts, tasks, budget, versions, its candidate overlaps)
with the forms that write a draft, the review page (checklist, comments per section, return,
approve), the overlap clusters (the Ministry of Science and Technology's), and exports.

Forms post to one view per step; a refusal re-renders the page with the error summary ("Có
lỗi cần sửa") and each field's message, keeping what was typed, and saves nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxgov.core import formats
from dxgov.core.errors import TransitionNotAllowed, refusal_text
from dxgov.core.text import fold
from dxgov.indicators.models import Indicator
from dxgov.orgunits.access import access_agency, agencies_in_scope
from dxgov.orgunits.models import Agency
from dxgov.programmes import access, actions, de06, exports, reads, rules
from dxgov.programmes.models import (
    Area,
    FundingSource,
    LabelChoice,
    OverlapDocument,
    OverlapPair,
    Programme,
    ProgrammeStatus,
    Section,
    TaskCategory,
)

PAGE_SIZE = 50
PARTS = ("breakthrough", "goal", "task", "budget")


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _summary(errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, message) for name, found in errors.items() for message in found]


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _year(value: str | None) -> int:
    found = _int(value)
    return found if found is not None else 0


def _day(value: str | None, name: str, errors: dict[str, list[str]]) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return formats.parse_date(text)
    except formats.InvalidDate:
        errors.setdefault(name, []).append(_("Write the date as dd/mm/yyyy."))
        return None


# --- list, overview ---------------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    qs = access.programmes_for(request.user).order_by("owner__code", "-created_at")
    status = request.GET.get("status", "")
    if status in ProgrammeStatus.values:
        qs = qs.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        qs = qs.filter(search_text__contains=fold(query))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/list.html",
        {
            "page": page,
            "statuses": ProgrammeStatus.choices,
            "status": status,
            "query": query,
            "owners": access.owners_for(request.user)[:1],
        },
    )


@login_required
@require_GET
def programme_export(request: HttpRequest) -> HttpResponse:
    qs = access.programmes_for(request.user).order_by("owner__code", "-created_at")
    return exports.download(
        exports.programmes_xlsx(qs.prefetch_related("goals", "tasks", "budget_lines")),
        exports.XLSX,
        "de-an-chuyen-doi-so.xlsx",
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The national overview: every ministry and province, its programme and status,
    whether it is late against Directive 34's deadline, and its goals' forecasts. National
    figures for every signed-in user; a programme opens only in scope."""
    found = reads.overview(timezone.localdate())
    visible = set(access.programmes_for(request.user).values_list("pk", flat=True))
    return render(
        request,
        "programmes/overview.html",
        {"overview": found, "visible": visible, "deadline": reads.DEADLINE},
    )


# --- a programme ----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, programme: Programme, **extra: Any) -> dict[str, Any]:
    user = request.user
    pairs = reads.overlaps_of(programme) if programme.status != ProgrammeStatus.DRAFT else []
    texts = reads.texts_of({doc for pair in pairs for doc in (pair.a, pair.b)})
    if not access.may_see_overlaps(user):
        # Another agency's task is its own record: outside the scope only its agency shows.
        mine = set(agencies_in_scope(user).values_list("pk", flat=True))
        texts = {
            pk: found if doc.agency_id in mine else reads.hidden(found)
            for pair in pairs
            for doc in (pair.a, pair.b)
            for pk, found in [(doc.pk, texts.get(doc.pk))]
            if found is not None
        }
    return {
        "programme": programme,
        "breakthroughs": programme.breakthroughs.all(),
        "goals": reads.goals_of(programme),
        "tasks": programme.tasks.select_related("lead_agency", "task", "goal"),
        "budget": programme.budget_lines.all(),
        "versions": programme.versions.select_related("approved_by"),
        "comments": programme.comments.select_related("author"),
        "pairs": pairs,
        "texts": texts,
        "may_write": access.may_write(user, programme) and programme.editable,
        "may_submit": access.may_submit(user, programme),
        "may_review": access.may_review(user, programme),
        "areas": Area.choices,
        "categories": TaskCategory.choices,
        "sources": FundingSource.choices,
        "utilities": [(code, de06.label(code)) for code in de06.CODES],
        "leads": Agency.objects.under(programme.owner).current().order_by("kind", "code")[:200],
        "indicators": Indicator.objects.active().order_by("code"),
        "years": list(range(programme.start_year, programme.end_year + 1)),
        "target_fields": [
            (year, f"target-{year}") for year in range(programme.start_year, programme.end_year + 1)
        ],
        "errors": {},
        "typed": {},
        "error_summary": [],
        "open": "",
        **extra,
    }


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    return render(request, "programmes/detail.html", _detail_context(request, programme))


def _refused(
    request: HttpRequest, programme: Programme, exc: ValidationError, section: str
) -> HttpResponse:
    errors = _errors(exc)
    context = _detail_context(
        request,
        programme,
        errors=errors,
        typed=request.POST.dict(),
        error_summary=_summary(errors),
        open=section,
    )
    return render(request, "programmes/detail.html", context, status=422)


def _conflict(
    request: HttpRequest, programme: Programme, exc: TransitionNotAllowed
) -> HttpResponse:
    messages.error(request, refusal_text(exc))
    return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))


def _programme_input(post: Any) -> actions.ProgrammeInput:
    return actions.ProgrammeInput(
        title=post.get("title", ""),
        start_year=_year(post.get("start_year")),
        end_year=_year(post.get("end_year")),
        summary=post.get("summary", ""),
        de06=post.getlist("de06"),
        security_plan=post.get("security_plan", ""),
        feasibility=post.get("feasibility", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    owners = access.owners_for(request.user)
    access.require(owners.exists(), _("Only agencies' officers and leaders start a programme."))
    context: dict[str, Any] = {
        "owners": owners[:300],
        "utilities": [(code, de06.label(code)) for code in de06.CODES],
        "errors": {},
        "typed": {"start_year": "2025", "end_year": "2030"},
        "error_summary": [],
    }
    if request.method == "POST":
        owner = access_agency(request.user, request.POST.get("owner", "").strip()[:64] or "-")
        try:
            programme = actions.create_programme(
                acting_user=request.user, owner=owner, data=_programme_input(request.POST)
            )
        except ValidationError as exc:
            errors = _errors(exc)
            context.update(errors=errors, typed=request.POST.dict(), error_summary=_summary(errors))
            context["typed_de06"] = request.POST.getlist("de06")
            return render(request, "programmes/new.html", context, status=422)
        messages.success(request, _("Programme started. Add its breakthrough, goals and tasks."))
        return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))
    return render(request, "programmes/new.html", context)


@login_required
@require_POST
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    try:
        actions.update_programme(
            acting_user=request.user, programme=programme, data=_programme_input(request.POST)
        )
    except ValidationError as exc:
        return _refused(request, programme, exc, "programme")
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("Saved."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]))


def _add(request: HttpRequest, programme: Programme, part: str) -> None:
    post = request.POST
    user = request.user
    if part == "breakthrough":
        actions.add_breakthrough(
            acting_user=user,
            programme=programme,
            title=post.get("title", ""),
            problem=post.get("problem", ""),
            area=post.get("area", ""),
        )
    elif part == "goal":
        targets = {
            year: post.get(f"target-{year}", "")
            for year in range(programme.start_year, programme.end_year + 1)
        }
        actions.add_goal(
            acting_user=user,
            programme=programme,
            data=actions.GoalInput(
                name=post.get("name", ""),
                indicator=post.get("indicator", ""),
                new_indicator=post.get("new_indicator", ""),
                formula=post.get("formula", ""),
                unit=post.get("unit", ""),
                baseline=post.get("baseline", ""),
                targets=targets,
                source=post.get("source", ""),
                breakthrough=_int(post.get("breakthrough")),
            ),
        )
    elif part == "task":
        errors: dict[str, list[str]] = {}
        deadline = _day(post.get("deadline"), "deadline", errors)
        if errors:
            raise ValidationError(errors)
        actions.add_task(
            acting_user=user,
            programme=programme,
            data=actions.TaskInput(
                content=post.get("content", ""),
                lead_agency=post.get("lead_agency", ""),
                person=post.get("person", ""),
                deadline=deadline,
                responsibility=post.get("responsibility", ""),
                expected_result=post.get("expected_result", ""),
                category=post.get("category", ""),
                de06=post.get("task_de06", ""),
                goal=_int(post.get("goal")),
                breakthrough=_int(post.get("breakthrough")),
            ),
        )
    else:
        actions.add_budget_line(
            acting_user=user,
            programme=programme,
            year=_year(post.get("year")),
            source=post.get("source", ""),
            amount=post.get("amount", ""),
            investment_code=post.get("investment_code", ""),
            note=post.get("note", ""),
        )


@login_required
@require_POST
def programme_add(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    part = action
    if part not in PARTS:
        raise Http404(_("No such part of a programme."))
    programme = access.access_programme(request.user, pk)
    try:
        _add(request, programme, part)
    except ValidationError as exc:
        return _refused(request, programme, exc, part)
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("Added."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]) + f"#{part}s")


@login_required
@require_POST
def programme_remove(request: HttpRequest, pk: int, action: str, item: int) -> HttpResponse:
    part = action
    if part not in PARTS:
        raise Http404(_("No such part of a programme."))
    programme = access.access_programme(request.user, pk)
    try:
        actions.remove_part(acting_user=request.user, programme=programme, part=part, pk=item)
    except ValidationError as exc:
        return _refused(request, programme, exc, part)
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("Removed."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]) + f"#{part}s")


@login_required
@require_POST
def programme_submit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    try:
        actions.submit_programme(acting_user=request.user, programme=programme)
    except ValidationError as exc:
        return _refused(request, programme, exc, "submit")
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("Submitted for review."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]))


@login_required
@require_POST
def programme_revise(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    try:
        actions.open_revision(
            acting_user=request.user, programme=programme, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return _refused(request, programme, exc, "revise")
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("A new version is open for changes."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]))


@login_required
@require_GET
def programme_document(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    return exports.download(
        exports.programme_docx(programme), exports.DOCX, f"de-an-{programme.pk}.docx"
    )


# --- the review -----------------------------------------------------------------------------


def _review_refused(
    request: HttpRequest, programme: Programme, exc: ValidationError
) -> HttpResponse:
    """The review page again with the refusal's messages beside what was typed (422)."""
    errors = _errors(exc)
    context = _review_context(
        request,
        programme,
        errors=errors,
        typed=request.POST.dict(),
        error_summary=_summary(errors),
    )
    return render(request, "programmes/review.html", context, status=422)


def _review_context(request: HttpRequest, programme: Programme, **extra: Any) -> dict[str, Any]:
    facts = actions.facts_of(programme)
    pairs = reads.overlaps_of(programme)
    checklist = programme.checklists.filter(version=programme.version).first()
    assessed = rules.assess(facts, len(pairs), programme.budget_total)
    items = [
        {
            "item": item,
            "assessed": assessed[item.code],
            "met": checklist.met.get(item.code) if checklist else None,
            "note": checklist.notes.get(item.code, "") if checklist else "",
        }
        for item in rules.CHECKLIST
    ]
    return {
        **_detail_context(request, programme),
        "items": items,
        "sections": Section.choices,
        "may_approve": access.may_approve(request.user),
        "this_version": programme.comments.filter(version=programme.version).select_related(
            "author"
        ),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page; a POST saves the checklist, or adds a comment to a section."""
    programme = access.access_programme(request.user, pk)
    access.require(
        access.may_review(request.user, programme),
        _("Only the programme's reviewer opens its review."),
    )
    if request.method == "POST":
        try:
            if request.POST.get("step") == "comment":
                actions.add_comment(
                    acting_user=request.user,
                    programme=programme,
                    section=request.POST.get("section", ""),
                    text=request.POST.get("text", ""),
                )
                messages.success(request, _("Comment added."))
            else:
                answers = rules.ChecklistAnswers(
                    met={
                        item.code: request.POST.get(f"met-{item.code}") == "yes"
                        for item in rules.CHECKLIST
                        if request.POST.get(f"met-{item.code}") in ("yes", "no")
                    },
                    notes={
                        item.code: request.POST.get(f"note-{item.code}", "")
                        for item in rules.CHECKLIST
                    },
                )
                actions.save_checklist(
                    acting_user=request.user, programme=programme, answers=answers
                )
                messages.success(request, _("Checklist saved."))
        except ValidationError as exc:
            return _review_refused(request, programme, exc)
        except TransitionNotAllowed as exc:
            return _conflict(request, programme, exc)
        return HttpResponseRedirect(reverse("programmes:review", args=[pk]))
    return render(request, "programmes/review.html", _review_context(request, programme))


@login_required
@require_POST
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    comments = [
        (section, request.POST.get(f"comment-{section}", ""))
        for section in Section.values
        if request.POST.get(f"comment-{section}", "").strip()
    ]
    try:
        actions.return_programme(acting_user=request.user, programme=programme, comments=comments)
    except ValidationError as exc:
        return _review_refused(request, programme, exc)
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("Returned to the owner with your comments."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]))


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    errors: dict[str, list[str]] = {}
    day = _day(request.POST.get("decision_date"), "decision_date", errors)
    try:
        if errors:
            raise ValidationError(errors)
        actions.approve_programme(
            acting_user=request.user,
            programme=programme,
            decision_number=request.POST.get("decision_number", "")[:64],
            decision_date=day,
        )
    except ValidationError as exc:
        return _review_refused(request, programme, exc)
    except TransitionNotAllowed as exc:
        return _conflict(request, programme, exc)
    messages.success(request, _("Approved: its tasks are assigned and its goals are targets."))
    return HttpResponseRedirect(reverse("programmes:detail", args=[pk]))


# --- overlaps -------------------------------------------------------------------------------


def _require_overlaps(request: HttpRequest) -> None:
    access.require(
        access.may_see_overlaps(request.user),
        _("Overlap clusters are for central coordinators."),
    )


@login_required
@require_GET
def overlaps(request: HttpRequest) -> HttpResponse:
    """The clusters of candidate overlaps, largest first, with each pair's score, shared
    terms and label buttons."""
    _require_overlaps(request)
    page = Paginator(reads.clusters(), 20).get_page(request.GET.get("page"))
    clusters = list(page.object_list)
    pairs = list(
        OverlapPair.objects.filter(cluster__in=clusters).select_related("a", "b").order_by("-score")
    )
    by_cluster: dict[int, list[OverlapPair]] = {}
    for pair in pairs:
        by_cluster.setdefault(pair.cluster_id, []).append(pair)
    documents: set[OverlapDocument] = {c.centre for c in clusters}
    documents.update(doc for pair in pairs for doc in (pair.b,))
    return render(
        request,
        "programmes/overlaps.html",
        {
            "page": page,
            "clusters": [(c, by_cluster.get(c.pk, [])) for c in clusters],
            "texts": reads.texts_of(documents),
            "labels": reads.labels_for(pairs),
            "choices": LabelChoice.choices,
            "run": reads.latest_run(),
            "reviewed": reads.reviewer_figures(),
        },
    )


@login_required
@require_POST
def overlaps_run(request: HttpRequest) -> HttpResponse:
    _require_overlaps(request)
    run = actions.detect_overlaps(acting_user=request.user)
    messages.success(
        request,
        _("Compared %(docs)s tasks: %(clusters)s clusters.")
        % {"docs": formats.number(run.documents), "clusters": formats.number(run.clusters)},
    )
    return HttpResponseRedirect(reverse("programmes:overlaps"))


@login_required
@require_GET
def overlaps_export(request: HttpRequest) -> HttpResponse:
    _require_overlaps(request)
    pairs = OverlapPair.objects.select_related("a", "b", "cluster").order_by("cluster", "-score")
    return exports.download(
        exports.overlaps_xlsx(list(pairs[:20000])), exports.XLSX, "chong-cheo.xlsx"
    )


@login_required
@require_POST
def label(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's label on a pair (htmx swaps the pair's label cell; without scripts, the
    page reloads)."""
    pair = access.access_pair(request.user, pk)
    try:
        found = actions.label_pair(
            acting_user=request.user,
            pair=pair,
            label=request.POST.get("label", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        return HttpResponse(refusal_text(exc), status=422)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "programmes/_label.html",
            {"pair": pair, "label": found.label, "choices": LabelChoice.choices},
        )
    messages.success(request, _("Label saved."))
    return HttpResponseRedirect(reverse("programmes:overlaps") + f"#pair-{pair.pk}")
