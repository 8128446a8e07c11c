"""Forms for MASE meetings, their agenda, disruption plans and partnership activity.

Forms parse and check shapes; the rules live in ``mase.actions``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import CaseStatus
from cases.queries import cases_for
from governance import policy
from governance.permissions import Capability, roles_with
from mase.models import (
    ActivityKind,
    DisruptionKind,
    DisruptionOutcome,
    Presence,
    Section,
    TargetKind,
)
from partnership.models import Agency, AgencyKind, User
from people.models import YoungPerson


def _agencies(*, partners: bool = False) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True).order_by("name")
    return agencies if partners else agencies.exclude(kind=AgencyKind.COMMUNITY_PARTNER)


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        agency = obj.agency.short_name if obj.agency else "no agency"
        return f"{obj} ({agency}, {obj.role_label})"


class _AgencyChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


def _people() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role__in=roles_with(Capability.READ_CASE_CONTENT))
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


class MeetingForm(forms.Form):
    day = forms.DateField(
        label="Date", widget=forms.DateInput(), error_messages={"required": "Enter the date"}
    )
    starts = forms.TimeField(
        label="Start time",
        help_text="For example 10:00",
        widget=forms.TimeInput(),
        error_messages={"required": "Enter the start time"},
    )
    chair = _PersonChoice(
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Choose the chair",
        error_messages={"required": "Choose who chairs the meeting"},
    )
    place = forms.CharField(
        label="Where",
        max_length=200,
        help_text="A room, or that the meeting is online.",
        error_messages={"required": "Say where the meeting is"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chairs = _people().filter(role__in=roles_with(Capability.RUN_MASE_MEETINGS))
        self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]

    def starts_at(self) -> datetime:
        day: date = self.cleaned_data["day"]
        starts: time = self.cleaned_data["starts"]
        return timezone.make_aware(datetime.combine(day, starts))


class AttendanceForm(forms.Form):
    agency = _AgencyChoice(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency"},
    )
    person = _PersonChoice(
        label="Person (if they have a Tessera account)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not listed: type the name below",
    )
    name = forms.CharField(label="Name (if not listed)", max_length=200, required=False)
    presence = forms.ChoiceField(
        label="Attendance",
        choices=Presence.choices,
        widget=forms.RadioSelect,
        initial=Presence.INVITED,
        error_messages={"required": "Choose invited, present or apologies"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies(partners=True)  # type: ignore[attr-defined]
        self.fields["person"].queryset = _people()  # type: ignore[attr-defined]


class AgendaItemForm(forms.Form):
    section = forms.ChoiceField(
        label="Part of the agenda",
        choices=Section.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the part of the agenda"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the item a title"}
    )
    reason = forms.CharField(
        label="Why it is on the agenda (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    young_person = forms.ModelChoiceField(
        label="About a young person (optional)",
        help_text="Young people with an open case. Only those who may see them will see the item.",
        queryset=YoungPerson.objects.none(),
        required=False,
        empty_label="Nobody in particular",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        open_cases = cases_for(user).exclude(status=CaseStatus.CLOSED).values("young_person_id")
        self.fields["young_person"].queryset = (  # type: ignore[attr-defined]
            policy.young_people_for(user)
            .filter(pk__in=open_cases)
            .order_by("family_name", "given_name")
        )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        help_text="What was discussed. Keep fact apart from opinion, and say whose view it is.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    decisions = forms.CharField(
        label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class _ActionFields(forms.Form):
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        error_messages={"required": "Say what needs doing"},
    )
    detail = forms.CharField(
        label="Detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_agency = _AgencyChoice(
        label="Agency that owns it",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = _PersonChoice(
        label="Named owner (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="The agency, nobody named yet",
    )
    due_on = forms.DateField(
        label="Due by", widget=forms.DateInput(), error_messages={"required": "Enter the due date"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _agencies()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]


class MeetingActionForm(_ActionFields):
    pass


class DisruptionActionForm(_ActionFields):
    field_order = ["kind", "title", "detail", "owner_agency", "owner", "due_on"]

    kind = forms.ChoiceField(
        label="Kind of disruption",
        choices=DisruptionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of disruption"},
    )


class DisruptionPlanForm(forms.Form):
    target_kind = forms.ChoiceField(
        label="Against",
        choices=TargetKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a person of interest, a location or a business"},
    )
    target = forms.CharField(
        label="Who or where",
        max_length=200,
        help_text="As the partnership knows them: a nickname, a description, an address or a "
        "business name.",
        error_messages={"required": "Describe who or where the plan is against"},
    )
    aim = forms.CharField(
        label="Aim of the plan (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_agency = _AgencyChoice(
        label="Lead agency",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency that leads the plan"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = _agencies()  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[c for c in DisruptionOutcome.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the action achieved"},
    )
    note = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what happened"},
    )


class ClosePlanForm(forms.Form):
    note = forms.CharField(
        label="Why the plan is closing, and what it achieved",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the plan is closing"},
    )


class ActivityForm(forms.Form):
    held_on = forms.DateField(
        label="Date held", widget=forms.DateInput(), error_messages={"required": "Enter the date"}
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the session a title"}
    )
    kind = forms.ChoiceField(
        label="Kind of session",
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose training or community awareness"},
    )
    delivered_by_agency = _AgencyChoice(
        label="Delivered by (agency)",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency that delivered it"},
    )
    delivered_by_name = forms.CharField(
        label="Delivered by (names, optional)", max_length=200, required=False
    )
    attendees = forms.IntegerField(
        label="Number of people who came",
        min_value=0,
        error_messages={
            "required": "Enter how many people came",
            "invalid": "Enter the number of people as a whole number",
            "min_value": "The number of people cannot be negative",
        },
    )
    businesses = forms.CharField(
        label="Businesses that came (optional)",
        help_text="One name a line: hotels, B&Bs, taxi firms, takeaways, security firms.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    schools = forms.CharField(
        label="Schools that came (optional)",
        help_text="One name a line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivered_by_agency"].queryset = _agencies()  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    since = forms.DateField(label="From", required=False, widget=forms.DateInput())
    until = forms.DateField(label="To", required=False, widget=forms.DateInput())
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds"), *ActivityKind.choices],
    )
