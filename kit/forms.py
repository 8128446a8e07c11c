"""Putting an action's errors on the form that asked for it, and the page that does both."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

T = TypeVar("T")


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: on the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None,
    redirect_to: str | Callable[[T], str],
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    refused: Callable[[], Exception] | None = None,
    error_status: int = 400,
) -> HttpResponse:
    """The page of a form that calls one action.

    A GET shows the form. A POST whose form is valid calls ``act()`` (which reads
    ``form.cleaned_data``): its ValidationError goes onto the form, its PermissionDenied becomes
    ``refused()`` (the view's audited refusal; without it, PermissionDenied propagates); on
    success, the ``success`` message (from the action's result if a callable; none if None) and
    a redirect to ``redirect_to`` (a URL or URL name, or a callable of the result).

    Otherwise the template is rendered with ``form`` and ``context``; a callable context is
    called only then, so what the page alone reads (and audits) is not read after a success.
    The status is ``error_status`` when the form has errors, else 200.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = act()
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied:
            if refused is None:
                raise
            raise refused() from None
        else:
            if success is not None:
                messages.success(request, success(result) if callable(success) else success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    extra = context() if callable(context) else (context or {})
    status = error_status if form.errors else 200
    return render(request, template, {"form": form, **extra}, status=status)
