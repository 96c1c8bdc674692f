"""The committee pages' forms: what is typed, read and checked field by field (the rules
themselves are the actions')."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dxgov.committees.ballots import COMMENT_MAX
from dxgov.committees.models import AnswerChoice, AttendanceStatus, BallotChangeRule, Position
from dxgov.core.forms import DayField

TIME = re.compile(r"^\s*(\d{1,2})[:hH.](\d{2})\s*$")


def moment(day: date, clock: str) -> datetime:
    """A local day and "HH:MM" as an aware moment (ValidationError for a bad time)."""
    found = TIME.match(clock or "")
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise ValidationError(gettext_lazy("Enter the time as HH:MM, for example 17:00."))
    return timezone.make_aware(
        datetime.combine(day, time(int(found.group(1)), int(found.group(2))))
    )


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class DeadlineMixin(forms.Form):
    deadline_day = DayField(label=gettext_lazy("Deadline (day)"))
    deadline_time = forms.CharField(
        max_length=5,
        initial="17:00",
        label=gettext_lazy("Deadline (time)"),
        help_text=gettext_lazy("HH:MM"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "5"}),
    )

    def deadline(self) -> datetime | None:
        data = self.cleaned_data
        if data.get("deadline_day") is None:
            return None
        try:
            return moment(data["deadline_day"], data.get("deadline_time", ""))
        except ValidationError as exc:
            self.add_error("deadline_time", exc)
            return None


class BallotForm(DeadlineMixin):
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    number = forms.CharField(max_length=64, required=False, label=gettext_lazy("Number"))
    question = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Question to the members"),
    )
    draft_text = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=gettext_lazy("Draft text (optional)"),
    )
    file = forms.FileField(required=False, label=gettext_lazy("Document (PDF or DOCX, optional)"))
    change_rule = forms.ChoiceField(
        choices=BallotChangeRule.choices,
        initial=BallotChangeRule.REFUSE,
        label=gettext_lazy("Second answers"),
    )
    session = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("A vote in session")
    )
    send_now = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Send it to the members now")
    )

    def __init__(self, *args: Any, sessions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "session", [("", gettext_lazy("— not in a session —")), *sessions])
        self.order_fields(
            ["title", "number", "question", "draft_text", "file", "deadline_day", "deadline_time"]
        )


class AnswerForm(forms.Form):
    choice = forms.ChoiceField(
        choices=AnswerChoice.choices,
        widget=forms.RadioSelect,
        label=gettext_lazy("Choose your answer"),
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Comment (needed for another opinion)"),
    )
    file = forms.FileField(required=False, label=gettext_lazy("File (PDF or DOCX, optional)"))
    member = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("Answering for")
    )

    def __init__(self, *args: Any, seats: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "member", seats)
        if len(seats) <= 1:
            self.fields["member"].widget = forms.HiddenInput()
            if seats:
                self.fields["member"].initial = seats[0][0]


class ExtendForm(DeadlineMixin):
    pass


class CloseForm(forms.Form):
    decision = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("The decision the result leads to"),
    )


class SessionForm(forms.Form):
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    held_on = DayField(label=gettext_lazy("Day"))
    place = forms.CharField(max_length=300, required=False, label=gettext_lazy("Place"))


class MemberForm(forms.Form):
    position = forms.ChoiceField(choices=Position.choices, label=gettext_lazy("Position"))
    title = forms.CharField(max_length=300, label=gettext_lazy("Title held"))
    person_name = forms.CharField(max_length=200, required=False, label=gettext_lazy("Name"))
    username = forms.CharField(
        max_length=150, required=False, label=gettext_lazy("Account (user name)")
    )
    agency = forms.CharField(max_length=32, required=False, label=gettext_lazy("Or agency code"))
    valid_from = DayField(label=gettext_lazy("From"))


class DelegationForm(forms.Form):
    membership = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Member"))
    delegate = forms.CharField(max_length=150, label=gettext_lazy("Stand-in (user name)"))
    valid_from = DayField(label=gettext_lazy("From"))
    valid_to = DayField(label=gettext_lazy("To"))
    document = forms.CharField(max_length=200, label=gettext_lazy("Delegation letter"))

    def __init__(self, *args: Any, seats: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "membership", seats)


class AttendanceForm(forms.Form):
    membership = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=AttendanceStatus.choices, label=gettext_lazy("Attendance"))
    reason = forms.CharField(max_length=1000, required=False, label=gettext_lazy("Reason"))


class AgendaForm(forms.Form):
    title = forms.CharField(max_length=500, label=gettext_lazy("Agenda item"))
    presenter = forms.CharField(
        max_length=32, required=False, label=gettext_lazy("Presenting agency (code)")
    )


class DocumentForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    file = forms.FileField(label=gettext_lazy("Document (PDF, DOCX or XLSX)"))


class ConclusionForm(forms.Form):
    summary = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Summary"),
    )
    items = forms.CharField(
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        label=gettext_lazy("Items (one per line)"),
    )


class IssueForm(forms.Form):
    number = forms.CharField(max_length=64, label=gettext_lazy("Number and symbol"))
    issued_on = DayField(label=gettext_lazy("Issued on"))


class AssignForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    content = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Task")
    )
    lead_agency = forms.CharField(max_length=32, label=gettext_lazy("Lead agency (code)"))
    coordinating = forms.CharField(
        max_length=500, required=False, label=gettext_lazy("Coordinating agencies (codes)")
    )
    deadline = DayField(required=False, label=gettext_lazy("Deadline"))
    expected_result = forms.CharField(
        max_length=1000, required=False, label=gettext_lazy("Expected result")
    )


class ReportTextForm(forms.Form):
    number = forms.CharField(max_length=64, required=False, label=gettext_lazy("Number"))
    introduction = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=gettext_lazy("Introduction"),
    )
    proposals = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=gettext_lazy("Proposals"),
    )


class KeyForm(forms.Form):
    public_key = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Your Ed25519 public key (PEM)"),
    )
