"""The ticket page's actions: each posts (htmx, CSRF) here, calls its service and answers with
the ticket re-rendered, or with the service's refusal beside the field it names.

The forms only carry text to the services: every rule (who may act, in which state, what is
required) is the service's, so a page and the API refuse the same things in the same words.
Status: 200 done; 422 refused input or a conflict (a second claimer); 403 no longer allowed;
429 urged too soon; 404 for whoever may not see the ticket (through the error middleware).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from servicetickets.accounts.models import User
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, Invalid, NotFound
from servicetickets.forms.display import files_of
from servicetickets.tickets import services
from servicetickets.tickets.inputs import ATTACHMENTS_MAX
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import ticket_get_for
from servicetickets.tickets.views.page import DONE_WORDS, render_ticket
from servicetickets.uploads.services import uploads_create
from servicetickets.web.errors import error_context, error_status
from servicetickets.web.htmx import is_htmx

TEXT_MAX = 20000  # as the API's schemas: the service names its own, smaller limits


def _text(required: bool = False) -> forms.CharField:
    # Never required here and not stripped: the service says what is missing, by name.
    return forms.CharField(required=required, max_length=TEXT_MAX, strip=False)


class EmptyForm(forms.Form):
    pass


class TransferForm(forms.Form):
    to = forms.CharField(required=False, max_length=150)
    note = _text()


class ReasonForm(forms.Form):
    reason = _text()


class WithFilesForm(forms.Form):
    """A form that also takes files (``files``, stored on posting) and keeps the ones an
    earlier, refused try already uploaded (``attachments``), so they are not lost."""

    attachments = forms.MultipleChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        getlist = getattr(self.data, "getlist", None)
        posted = getlist("attachments") if getlist else []
        field = self.fields["attachments"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(v, v) for v in posted]


class CompleteForm(WithFilesForm):
    note = _text()


class ConfirmForm(forms.Form):
    rating = forms.IntegerField(required=False)
    comment = _text()


class CommentForm(WithFilesForm):
    text = _text()


Handler = Callable[[User, int, dict[str, Any], list[str]], Ticket]


def _files(request: HttpRequest, user: User) -> list[str]:
    """Store the files chosen with the form through the uploads service (all or none, the
    count checked before any is written); their ids."""
    files = request.FILES.getlist("files")
    stored = uploads_create(uploader=user, files=files, most=ATTACHMENTS_MAX, field="attachments")
    return [str(upload.pk) for upload in stored]


ACTIONS: dict[str, tuple[type[forms.Form], Handler]] = {
    "claim": (EmptyForm, lambda u, t, d, f: services.ticket_claim(user=u, ticket_id=t)),
    "transfer": (
        TransferForm,
        lambda u, t, d, f: services.ticket_transfer(
            user=u, ticket_id=t, to=d["to"], note=d["note"]
        ),
    ),
    "reject": (
        ReasonForm,
        lambda u, t, d, f: services.ticket_reject(user=u, ticket_id=t, reason=d["reason"]),
    ),
    "complete": (
        CompleteForm,
        lambda u, t, d, f: services.ticket_complete(
            user=u, ticket_id=t, note=d["note"], attachments=[*d["attachments"], *f]
        ),
    ),
    "confirm": (
        ConfirmForm,
        lambda u, t, d, f: services.ticket_confirm(
            user=u, ticket_id=t, rating=d["rating"], comment=d["comment"]
        ),
    ),
    "return": (
        ReasonForm,
        lambda u, t, d, f: services.ticket_return(user=u, ticket_id=t, reason=d["reason"]),
    ),
    "cancel": (
        ReasonForm,
        lambda u, t, d, f: services.ticket_cancel(user=u, ticket_id=t, reason=d["reason"]),
    ),
    "comment": (
        CommentForm,
        lambda u, t, d, f: services.ticket_comment(
            user=u, ticket_id=t, text=d["text"], attachments=[*d["attachments"], *f]
        ),
    ),
    "urge": (EmptyForm, lambda u, t, d, f: services.ticket_urge(user=u, ticket_id=t)),
}


@login_required
@require_POST
def ticket_action(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    user = caller(request)
    ticket = ticket_get_for(user=user, ticket_id=ticket_id)  # 404 for outsiders, first
    if action not in ACTIONS:
        raise Http404
    form_class, handler = ACTIONS[action]
    form = form_class(request.POST)
    uploaded: list[str] = []
    try:
        if not form.is_valid():
            name, messages = next(iter(form.errors.items()))
            raise Invalid(str(messages[0]), field=None if name == "__all__" else name)
        if issubclass(form_class, WithFilesForm):
            uploaded = _files(request, user)
        ticket = handler(user, ticket_id, form.cleaned_data, uploaded)
    except NotFound:
        raise
    except AppError as exc:
        takes_files = issubclass(form_class, WithFilesForm)
        kept = [*request.POST.getlist("attachments"), *uploaded] if takes_files else []
        fresh = ticket_get_for(user=user, ticket_id=ticket_id)
        return render_ticket(
            request,
            fresh,
            status=error_status(exc),
            open_action=action,
            posted=form.data,
            kept_files=list(files_of(kept).values()),
            **error_context(exc),
        )
    if not is_htmx(request):
        return redirect("ticket", ticket_id=ticket.pk)
    # The service returns the ticket as changed; read it again for the names it shows.
    fresh = ticket_get_for(user=user, ticket_id=ticket.pk)
    return render_ticket(request, fresh, done=str(DONE_WORDS[action]))


urlpatterns: list[URLPattern] = [
    path("tickets/<int:ticket_id>/<slug:action>", ticket_action, name="ticket-action"),
]
