"""Forms for information governance: the sharing agreement, break-glass review and disposal."""

from __future__ import annotations

from typing import Any

from django import forms

from governance.models import ConsentStatus, LawfulBasis, Level
from partnership.models import AgencyKind
from records.models import RecordCategory

YES_NO = [("yes", "Yes"), ("no", "No")]

# Community partners read nothing back whatever the agreement says, so they are not a column.
AGREEMENT_KINDS: tuple[AgencyKind, ...] = tuple(
    kind for kind in AgencyKind if kind != AgencyKind.COMMUNITY_PARTNER
)
AGREEMENT_CATEGORIES: tuple[RecordCategory, ...] = tuple(RecordCategory)

Cell = tuple[str, str]  # (viewer agency kind, record category)


class ConsentQuestions(forms.Form):
    """What every record of consent asks, whether consent itself is recorded or a share is:
    the young person's consent, and whether what happens next was discussed with them."""

    consent_status = forms.ChoiceField(
        label="The young person's consent",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the young person's consent"},
    )
    next_steps_discussed = forms.ChoiceField(
        label="Was what happens next discussed with the young person?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether what happens next was discussed"},
    )


class ConsentAndBasisForm(ConsentQuestions):
    """The questions every share answers: consent, lawful basis, why without consent, and
    whether what happens next was discussed with the young person."""

    field_order = ["consent_status", "lawful_basis", "reason_without_consent"]

    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing",
        choices=[("", "Choose a lawful basis"), *LawfulBasis.choices],
        required=False,
    )
    reason_without_consent = forms.CharField(
        label="If you share without consent, or consent was not sought, why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def rule_field_name(kind: str, category: str) -> str:
    return f"rule__{kind}__{category}"


class AgreementForm(forms.Form):
    """One select per cell of the agreement, and the reason for the new version.

    ``based_on`` is the version the administrator started from, so that a change saved by
    someone else in the meantime is not silently undone (see ``rebased``).
    """

    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(
        label="What changed and why",
        help_text="Everyone who reads the agreement sees this note with the new version.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what changed and why"},
    )

    def __init__(
        self, data: Any = None, *, rules: dict[Cell, int], based_on: int, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["based_on"].initial = based_on
        for kind in AGREEMENT_KINDS:
            for category in AGREEMENT_CATEGORIES:
                self.fields[rule_field_name(kind.value, category.value)] = forms.TypedChoiceField(
                    label=f"What {kind.label.lower()} sees of {category.label.lower()} records",
                    choices=Level.choices,
                    coerce=int,
                    initial=rules.get((kind.value, category.value), Level.NONE),
                    error_messages={
                        "required": "Choose a level",
                        "invalid_choice": "Choose a level",
                    },
                )
        # The page shows the table first and the note after it; errors follow the same order.
        self.order_fields([name for name in self.fields if name.startswith("rule__")])

    def rows(self) -> list[tuple[RecordCategory, list[forms.BoundField]]]:
        """The selects laid out as the agreement table: a row per category."""
        return [
            (
                category,
                [self[rule_field_name(kind.value, category.value)] for kind in AGREEMENT_KINDS],
            )
            for category in AGREEMENT_CATEGORIES
        ]

    def levels(self) -> dict[Cell, int]:
        return {
            (kind.value, category.value): int(
                self.cleaned_data[rule_field_name(kind.value, category.value)]
            )
            for kind in AGREEMENT_KINDS
            for category in AGREEMENT_CATEGORIES
        }

    def changes(self, base: dict[Cell, int]) -> dict[Cell, int]:
        """The cells this administrator changed from the version they started from."""
        return {cell: level for cell, level in self.levels().items() if base.get(cell) != level}

    def rebased(
        self, *, current: dict[Cell, int], current_version: int, changes: dict[Cell, int]
    ) -> AgreementForm:
        """This form again on top of the newer version, with this administrator's changes kept
        and an error asking them to check before saving."""
        data: dict[str, Any] = {
            rule_field_name(kind, category): str(level)
            for (kind, category), level in {**current, **changes}.items()
            if kind != AgencyKind.COMMUNITY_PARTNER
        }
        data["based_on"] = str(current_version)
        data["note"] = self.cleaned_data.get("note", "")
        form = AgreementForm(data, rules=current, based_on=current_version)
        form.is_valid()
        form.add_error(
            None,
            f"Someone else saved version {current_version} of the agreement after you opened "
            "this page. Their changes are now shown with yours: check them and save again.",
        )
        return form


class BreakGlassReviewForm(forms.Form):
    justified = forms.ChoiceField(
        label="Was this break-glass access justified?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the access was justified"},
    )
    note = forms.CharField(
        label="Your reasons",
        help_text="Recorded with your decision. The person who used break-glass may be asked "
        "about it.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record the reasons for your review decision"},
    )


class DisposeForm(forms.Form):
    reason = forms.CharField(
        label="Why is this record being disposed of?",
        help_text="For example, the retention review found no continuing need to keep it. Do "
        "not include details from the record: the reason is kept in the audit log.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for disposal"},
    )
