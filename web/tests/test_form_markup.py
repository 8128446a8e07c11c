"""GOV.UK select markup from ``web/includes/form_field.html``."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    agency = forms.ChoiceField(
        label="Agency",
        required=False,
        choices=[("", "All agencies"), ("1", "Police"), ("12", "Health & <care>")],
    )


def _select(data: dict[str, str] | None) -> str:
    return render_to_string("web/includes/form_field.html", {"field": _Form(data)["agency"]})


def test_the_chosen_option_is_selected_and_labels_are_escaped():
    html = _select({"agency": "12"})
    assert '<option value="12" selected>Health &amp; &lt;care&gt;</option>' in html
    assert '<option value="1">Police</option>' in html  # "1" is not "12"
    assert html.count(" selected") == 1


def test_with_nothing_chosen_no_option_is_marked():
    assert " selected" not in _select(None)
