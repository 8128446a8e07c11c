"""Forms for cases, plans, reviews, strategy discussions, decisions not to act and pathways."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from cases.models import DEFAULT_REVIEW_DAYS, OutcomeCode, StrategyDecision
from governance.permissions import Capability, roles_with
from partnership.models import Agency, AgencyKind, User
from referrals.models import Rating, ReferralKind, ReferralSource


def _date(label: str, help_text: str = "", required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": "Enter a real date"},
    )


def _text(label: str, error: str, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": error},
    )


def partner_agencies() -> QuerySet[Agency]:
    """Agencies that can own actions or take part in cases (not community partners)."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(kind=AgencyKind.COMMUNITY_PARTNER)
        .order_by("name")
    )


def case_professionals() -> QuerySet[User]:
    """People who may be in a case team: active, in an agency, in a role that reads cases."""
    return (
        User.objects.filter(
            is_active=True, agency__isnull=False, role__in=roles_with(Capability.READ_CASE_CONTENT)
        )
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


class ProfessionalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        agency = obj.agency.short_name if obj.agency else ""
        title = f", {obj.job_title}" if obj.job_title else ""
        return f"{obj}{title} ({agency})"


class CompleteActionForm(forms.Form):
    note = _text(
        "What was done?",
        "Say what was done",
        rows=3,
        help_text="Say briefly what happened, so the case team can see the plan moving.",
    )


class CancelActionForm(forms.Form):
    reason = _text("Why is this action no longer needed?", "Say why", rows=3)


class AssignActionForm(forms.Form):
    title = forms.CharField(
        label="What needs doing?",
        max_length=200,
        help_text="One clear action, for example 'Return home interview within 72 hours'. "
        "Do not include the young person's name: it is sent by email.",
        error_messages={"required": "Say what needs doing"},
    )
    detail = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_agency = forms.ModelChoiceField(
        label="Agency that owns it",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = ProfessionalChoiceField(
        label="Named owner (optional)",
        help_text="Someone in that agency. Leave blank and the agency's team will see it.",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody named yet",
    )
    due_on = _date("Due date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = partner_agencies()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = case_professionals()  # type: ignore[attr-defined]


class AddMemberForm(forms.Form):
    user = ProfessionalChoiceField(
        label="Who is joining the case team?",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose who is joining"},
    )
    role = forms.CharField(
        label="Their part in the case (optional)",
        max_length=200,
        required=False,
        help_text="For example 'Designated safeguarding lead' or 'Missing person coordinator'.",
    )

    def __init__(self, *args: Any, exclude: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = case_professionals().exclude(pk__in=exclude or [])
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class RemoveMemberForm(forms.Form):
    reason = forms.CharField(
        label="Why are they leaving the case team?",
        max_length=500,
        error_messages={"required": "Say why they are leaving the case team"},
    )


class ChangeLeadForm(forms.Form):
    lead = ProfessionalChoiceField(
        label="New lead professional",
        help_text="From any agency, including the voluntary sector.",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose the new lead professional"},
    )
    reason = forms.CharField(
        label="Why is the lead changing?",
        max_length=500,
        error_messages={"required": "Say why the lead is changing"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = case_professionals()  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    held_on = _date("Date of the review")
    summary = _text(
        "What has changed since the last review?",
        "Summarise what has changed",
        help_text="Progress on the plan, new information, and what the young person says.",
    )
    risk_rating = forms.ChoiceField(
        label="Level of risk now",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of risk now"},
    )
    risk_notes = forms.CharField(
        label="Why this level of risk? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_review_due = _date("Next review date")
    review_every_days = forms.IntegerField(
        label="Review every (days) from now on",
        help_text="Leave as it is unless the team agreed to meet more or less often.",
        min_value=7,
        max_value=182,
        error_messages={
            "required": "Say how often the case is reviewed",
            "min_value": "Review at least every 182 days and at most every 7",
            "max_value": "Review at least every 182 days and at most every 7",
        },
    )


class ViewsForm(forms.Form):
    views = _text(
        "The young person's views",
        "Write what the young person said, or why it is not known",
        rows=6,
        help_text="What they want and what worries them, in their own words where possible. "
        "Say when and to whom they said it.",
    )


class CloseForm(forms.Form):
    outcome_code = forms.ChoiceField(
        label="Outcome",
        choices=[(v, label) for v, label in OutcomeCode.choices if v != "no_case_needed"],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    note = _text(
        "Closing summary",
        "Write a closing summary",
        help_text="What changed for the young person, and who to contact if concerns return.",
    )


class ReopenForm(forms.Form):
    reason = _text("Why is the case being reopened?", "Say why the case is being reopened", 3)


class TransitionForm(forms.Form):
    handover_on = _date(
        "Handover date", help_text="When adult services and partners take over the lead."
    )
    adult_services_agency = forms.ModelChoiceField(
        label="Adult services agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the adult services agency taking over"},
    )
    adult_services_contact = forms.CharField(
        label="Adult services contact",
        max_length=200,
        help_text="Name, team and how to reach them.",
        error_messages={"required": "Name the contact in adult services"},
    )
    vawg_agency = forms.ModelChoiceField(
        label="Violence against women and girls (VAWG) partner (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None",
    )
    vawg_contact = forms.CharField(label="VAWG partner contact", max_length=200, required=False)
    notes = forms.CharField(
        label="Handover notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What support continues, and what the young person wants from adult services.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adult_services_agency"].queryset = partner_agencies()  # type: ignore[attr-defined]
        self.fields["vawg_agency"].queryset = partner_agencies()  # type: ignore[attr-defined]


class StrategyDiscussionForm(forms.Form):
    held_on = _date("Date held")
    chair = ProfessionalChoiceField(
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Choose who chaired",
        error_messages={"required": "Choose who chaired the discussion"},
    )
    agencies_present = forms.ModelMultipleChoiceField(
        label="Agencies that took part",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the agencies that took part"},
    )
    attendees = forms.CharField(
        label="Who took part (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Names and roles.",
    )
    summary = _text(
        "What was shared and discussed",
        "Summarise what was shared and discussed",
        rows=6,
        help_text="Keep fact apart from opinion, and say which agency said what.",
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=StrategyDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    decision_reason = forms.CharField(
        label="Reason for the decision",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if no case is needed.",
    )
    lead = ProfessionalChoiceField(
        label="Lead professional (if opening a case)",
        help_text="From any agency, including the voluntary sector.",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a person",
    )
    review_every_days = forms.IntegerField(
        label="Review every (days)",
        initial=DEFAULT_REVIEW_DAYS,
        min_value=7,
        max_value=182,
        required=False,
        error_messages={
            "min_value": "Review at least every 182 days and at most every 7",
            "max_value": "Review at least every 182 days and at most every 7",
        },
    )
    single_agency = forms.ModelChoiceField(
        label="Agency giving support (if single-agency)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
    )
    single_agency_action = forms.CharField(
        label="What that agency will do", max_length=200, required=False
    )
    single_agency_due_on = _date("Due date for that action", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chair", "lead"):
            self.fields[name].queryset = case_professionals()  # type: ignore[attr-defined]
        for name in ("agencies_present", "single_agency"):
            self.fields[name].queryset = partner_agencies()  # type: ignore[attr-defined]

    def clean_review_every_days(self) -> int:
        return self.cleaned_data.get("review_every_days") or DEFAULT_REVIEW_DAYS


class DecisionNotToActForm(forms.Form):
    reason = _text(
        "Why does this referral need no action?",
        "Explain why no action is needed",
        help_text="For example: 'Already open to the CSE team under case C-00012; the referral "
        "was added to that case's chronology.'",
    )


class PathwayForm(forms.Form):
    source = forms.ChoiceField(
        label="Referrals from",
        choices=ReferralSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the referrals come from"},
    )
    kind = forms.ChoiceField(
        label="About",
        choices=[("", "Any kind"), *ReferralKind.choices],
        required=False,
    )
    receiving_agency = forms.ModelChoiceField(
        label="Go to",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that receives them"},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_agency"].queryset = partner_agencies()  # type: ignore[attr-defined]


def default_next_review(review_every_days: int, today: date) -> date:
    return today + timedelta(days=review_every_days)
