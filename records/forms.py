"""Forms for recording and editing agency records, and for filtering chronologies."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone

from people import identifiers
from records.actions import LinkInput
from records.models import (
    AgencyRecord,
    Classification,
    LinkKind,
    Nature,
    PersonCategory,
    RecordType,
)
from records.queries import Filters


class FilterForm(forms.Form):
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label="Type", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, agencies: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        type_field = self.fields["type"]
        assert isinstance(agency_field, forms.ChoiceField)
        assert isinstance(type_field, forms.ChoiceField)
        agency_field.choices = [("", "All agencies")] + [(a.pk, a.name) for a in agencies]
        type_field.choices = [("", "All types")] + [(t.code, t.name) for t in types]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "‘To’ must be the same as or after ‘From’")
        return data

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            agency_id=data.get("agency"),
            type_code=data.get("type") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


def _combine(day: date | None, moment: time | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, moment or time(12, 0)))


class RecordForm(forms.Form):
    """Record a concern, episode, indicator or note. The owner comes from the signed-in user:
    the form has no agency, author or category field, so none can be posted."""

    record_type = forms.ModelChoiceField(
        label="What are you recording?",
        queryset=RecordType.objects.filter(is_active=True).order_by("kind", "name"),
        empty_label="Choose a type",
        error_messages={"required": "Choose what you are recording"},
    )
    title = forms.CharField(
        label="Short description",
        max_length=200,
        help_text="One line that a colleague would understand, for example ‘Missing overnight, "
        "returned by police’.",
        error_messages={"required": "Enter a short description"},
    )
    occurred_on = forms.DateField(
        label="Date it happened",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date it happened", "invalid": "Enter a real date"},
    )
    occurred_time = forms.TimeField(
        label="Time (optional)", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ended_on = forms.DateField(
        label="Date it ended (optional)",
        required=False,
        help_text="For example the date of return from a missing episode.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    location = forms.CharField(label="Where (optional)", max_length=200, required=False)
    details = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    nature = forms.ChoiceField(
        label="Is this fact, professional opinion or an allegation?",
        choices=Nature.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is fact, professional opinion or allegation"},
    )
    person_category = forms.ChoiceField(
        label="The young person is recorded here as",
        choices=PersonCategory.choices,
        initial=PersonCategory.VICTIM,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the young person is recorded as victim, suspect, witness "
            "or other"
        },
    )
    classification = forms.ChoiceField(
        label="Classification",
        choices=Classification.choices,
        initial=Classification.STANDARD,
        widget=forms.RadioSelect,
        help_text="Standard records follow the information sharing agreement.",
    )
    phones = forms.CharField(
        label="Phone numbers mentioned (optional)",
        required=False,
        help_text="One per line. UK numbers, in any format.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    vehicles = forms.CharField(
        label="Vehicle registrations mentioned (optional)",
        required=False,
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_phones(self) -> list[str]:
        return self._identifiers("phones", identifiers.normalise_uk_phone)

    def clean_vehicles(self) -> list[str]:
        return self._identifiers("vehicles", identifiers.normalise_vrm)

    def _identifiers(self, name: str, normalise: Any) -> list[str]:
        values = []
        for number, line in enumerate(self.cleaned_data[name].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                values.append(normalise(line))
            except identifiers.IdentifierError as error:
                raise forms.ValidationError(f"Line {number}: {error}") from error
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred = _combine(data.get("occurred_on"), data.get("occurred_time"))
        ended = _combine(data.get("ended_on"), time(23, 59))
        if occurred and occurred > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_on", "The date it happened must be today or in the past")
        if occurred and ended and ended < occurred:
            self.add_error("ended_on", "The date it ended must be on or after the date it happened")
        data["occurred_at"], data["ended_at"] = occurred, ended
        return data

    def links(self) -> list[LinkInput]:
        return [LinkInput(LinkKind.PHONE, v) for v in self.cleaned_data.get("phones", [])] + [
            LinkInput(LinkKind.VEHICLE, v) for v in self.cleaned_data.get("vehicles", [])
        ]


class EditRecordForm(forms.Form):
    """Edit what the owning agency recorded. ``version`` detects a colleague's save meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Short description", max_length=200)
    occurred_on = forms.DateField(
        label="Date it happened", widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.CharField(label="Where (optional)", max_length=200, required=False)
    details = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    nature = forms.ChoiceField(
        label="Is this fact, professional opinion or an allegation?",
        choices=Nature.choices,
        widget=forms.RadioSelect,
    )
    classification = forms.ChoiceField(
        label="Classification", choices=Classification.choices, widget=forms.RadioSelect
    )

    @classmethod
    def for_record(cls, record: AgencyRecord) -> EditRecordForm:
        return cls(
            initial={
                "version": record.version,
                "title": record.title,
                "occurred_on": timezone.localtime(record.occurred_at).date(),
                "location": record.location,
                "details": record.details,
                "nature": record.nature,
                "classification": record.classification,
            }
        )

    def changes(self, record: AgencyRecord) -> dict[str, Any]:
        data = self.cleaned_data
        occurred_time = timezone.localtime(record.occurred_at).time()
        return {
            "title": data["title"],
            "occurred_at": timezone.make_aware(
                datetime.combine(data["occurred_on"], occurred_time)
            ),
            "location": data["location"],
            "details": data["details"],
            "nature": data["nature"],
            "classification": data["classification"],
        }


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=LinkKind.choices)
    value = forms.CharField(
        label="Value",
        max_length=200,
        help_text="A UK phone number, a vehicle registration, a postcode or place, or a handle.",
    )
    label = forms.CharField(label="Note (optional)", max_length=200, required=False)


class ExportPurpose(models.TextChoices):
    SUBJECT_ACCESS = "subject_access", "A subject access request"
    AUDIT = "audit", "An audit or inspection"
    COURT = "court", "Court or other legal proceedings"


class ExportForm(forms.Form):
    """Why a chronology leaves Tessera: an export is a disclosure, and its purpose is recorded."""

    purpose = forms.ChoiceField(
        label="Why are you exporting this chronology?",
        choices=ExportPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are exporting this chronology"},
    )
    detail = forms.CharField(
        label="Details",
        help_text="For example the request's reference, the audit, or the court and case "
        "number. The agencies whose records you export can see this.",
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the details of why you are exporting this chronology",
            "min_length": "Give the details in at least 5 characters",
            "max_length": "Give the details in 500 characters or fewer",
        },
    )


class ConcernCategoryForm(forms.Form):
    """A category's name and description; its code only when it is added."""

    code = forms.CharField(
        label="Code",
        max_length=60,
        help_text="What files give in the category column, e.g. county_lines. "
        "Lower-case letters, digits and underscores; it cannot be changed later.",
    )
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What belongs in this category, for the people who prepare the files.",
    )

    def __init__(self, *args: Any, adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["code"]


class ConfirmForm(forms.Form):
    """A button that asks nothing: the POST is the confirmation."""
