"""The form page that calls one action: what a person sees on each path."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from kit.forms import form_page

TEMPLATE = "web/includes/form_errors.html"  # shows the form's errors, nothing else


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str = "get", data: dict[str, str] | None = None):
    request = getattr(RequestFactory(), method)("/page/", data or {})
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def _page(request, act, **kwargs):
    form = NameForm(request.POST or None)
    options = {"success": "Saved.", "redirect_to": "/done/", "template": TEMPLATE, **kwargs}
    return form_page(request, form, lambda: act(form.cleaned_data), **options)


def _never(data):
    raise AssertionError("the action must not run")


def test_a_get_shows_the_form_and_calls_nothing():
    response = _page(_request(), _never)
    assert response.status_code == 200


def test_an_invalid_form_names_the_field_and_calls_nothing():
    response = _page(_request("post", {"name": ""}), _never)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_actions_refusal_is_shown_on_the_field_it_names():
    def act(data):
        raise ValidationError({"name": "Give the whole name, not initials."})

    request = _request("post", {"name": "J"})
    response = _page(request, act)
    assert response.status_code == 400
    assert "Give the whole name, not initials." in response.content.decode()
    assert not list(get_messages(request))


def test_a_page_may_keep_200_for_errors():
    def act(data):
        raise ValidationError("Not now.")

    response = _page(_request("post", {"name": "Jo"}), act, error_status=200)
    assert response.status_code == 200
    assert "Not now." in response.content.decode()


def test_success_says_so_from_the_result_and_redirects():
    request = _request("post", {"name": "Jo"})
    response = _page(
        request,
        lambda data: data["name"].upper(),
        success=lambda result: f"Saved {result}.",
        redirect_to=lambda result: f"/people/{result}/",
    )
    assert response.status_code == 302
    assert response.url == "/people/JO/"
    assert [str(m) for m in get_messages(request)] == ["Saved JO."]


def test_what_only_the_page_reads_is_not_read_after_a_success():
    read: list[str] = []

    def page() -> dict[str, str]:
        read.append("page")
        return {}

    _page(_request("post", {"name": "Jo"}), lambda data: None, context=page)
    assert read == []
    _page(_request(), _never, context=page)
    assert read == ["page"]


def test_a_refused_action_becomes_the_views_refusal():
    def act(data):
        raise PermissionDenied("No.")

    with pytest.raises(Http404):
        _page(_request("post", {"name": "Jo"}), act, refused=lambda: Http404("refused"))
    with pytest.raises(PermissionDenied):
        _page(_request("post", {"name": "Jo"}), act)
