"""The form designer: the page holds the editor (designer.js); Save posts the whole
definition as JSON here, and this calls the same service as the API's form update, so a type
with tickets gets a new form version and every ticket keeps its own."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, Invalid
from servicetickets.forms.fields import (
    COLUMN_KINDS,
    FIELD_KINDS,
    FILES_LIMITS,
    HELP_LENGTH,
    KEY_LENGTH,
    LABEL_LENGTH,
    LENGTH_LIMITS,
    MAX_FIELDS,
    parse_fields,
)
from servicetickets.forms.widgets import form_view
from servicetickets.tickettypes import services
from servicetickets.tickettypes.models import FormVersion, TicketType
from servicetickets.tickettypes.views.access import admin_type
from servicetickets.web.errors import error_status


def kind_labels() -> dict[str, str]:
    """The field kinds as the palette names them."""
    return {
        "text": _("Single-line text"),
        "textarea": _("Multi-line text"),
        "number": _("Number"),
        "amount": _("Amount"),
        "date": _("Date"),
        "datetime": _("Date and time"),
        "daterange": _("Date range"),
        "select": _("Single choice"),
        "multiselect": _("Multiple choice"),
        "phone": _("Phone"),
        "email": _("Email"),
        "member": _("Member"),
        "image": _("Images"),
        "file": _("Attachments"),
        "note": _("Description text"),
        "table": _("Detail table"),
    }


def _strings() -> dict[str, str]:
    """Every text designer.js shows, translated here so the script holds no words."""
    return {
        "empty": _("Drag a field kind here, or choose one from the palette."),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "remove": _("Remove"),
        "edit": _("Settings"),
        "required": _("Required"),
        "label": _("Label"),
        "key": _("Key"),
        "key_help": _("Stored with every answer. Lowercase letters, digits and underscores."),
        "key_locked": _(
            "This key is saved: changing it starts a new field, and earlier answers stay under "
            "the old key."
        ),
        "help": _("Help text"),
        "note_text": _("Text shown"),
        "options": _("Options, one per line"),
        "min": _("Minimum"),
        "max": _("Maximum"),
        "max_length": _("Maximum length"),
        "max_files": _("Maximum files"),
        "columns": _("Columns"),
        "add_column": _("Add a column"),
        "column": _("Column"),
        "kind": _("Kind"),
        "no_field": _("Select a field of the form to change its settings."),
        "moved": _("%(label)s moved to position %(n)s of %(total)s."),
        "added": _("%(label)s added at position %(n)s of %(total)s."),
        "removed": _("%(label)s removed."),
        "new_field": _("New field"),
        "saved": _("Saved."),
        "saving": _("Saving…"),
        "unsaved": _("Unsaved changes"),
        "field_n": _("Field %(n)s"),
        "choose": _("Choose…"),
        "add_row": _("Add a row"),
        "search_people": _("Search people"),
        "from": _("From"),
        "to": _("To"),
        "failed": _("Could not save. Check your connection and try again."),
        "drag": _("Drag to reorder"),
        "no_input": _("No input: shown as text."),
        "preview_empty": _("The form has no fields yet."),
        "option": _("Option"),
    }


def _version_note(kind: TicketType, has_tickets: bool) -> str:
    if has_tickets:
        return _("Saving creates version %(n)d; existing tickets keep their version.") % {
            "n": kind.version + 1
        }
    return _("No tickets yet: saving updates version %(n)d.") % {"n": kind.version}


def _config(kind: TicketType) -> dict[str, Any]:
    has_tickets = kind.tickets.exists()
    return {
        "kinds": [{"kind": k, "label": kind_labels()[k]} for k in FIELD_KINDS],
        "columnKinds": [k for k in FIELD_KINDS if k in COLUMN_KINDS],
        "limits": {
            "label": LABEL_LENGTH,
            "help": HELP_LENGTH,
            "key": KEY_LENGTH,
            "fields": MAX_FIELDS,
            "length": {k: v[1] for k, v in LENGTH_LIMITS.items()},
            "files": {k: v[1] for k, v in FILES_LIMITS.items()},
            "lengthDefault": {k: v[0] for k, v in LENGTH_LIMITS.items()},
            "filesDefault": {k: v[0] for k, v in FILES_LIMITS.items()},
        },
        "strings": _strings(),
        "version": kind.version,
        "versionNote": _version_note(kind, has_tickets),
    }


@login_required
@require_http_methods(["GET", "POST"])
def designer(request: HttpRequest, type_id: int) -> HttpResponse:
    kind = admin_type(request, type_id)
    if request.method == "POST":
        return _save(request, kind)
    form = FormVersion.objects.get(ticket_type=kind, version=kind.version)
    config = _config(kind)
    return render(
        request,
        "tickettypes/designer.html",
        {
            "kind": kind,
            "desk": kind.desk,
            "fields": form.fields,
            "config": config,
            "version_note": config["versionNote"],
        },
    )


def _save(request: HttpRequest, kind: TicketType) -> JsonResponse:
    """Answers JSON: the stored form and the next save's note, or the error naming the
    property (``fields[2].options``) that designer.js shows beside its input."""
    try:
        body = json.loads(request.body or b"null")
        if not isinstance(body, dict) or "fields" not in body:
            raise Invalid(_('Send the form as {"fields": [...]}.'), field="fields")
        before = kind.version
        kind = services.type_update(kind=kind, fields=body["fields"], actor=caller(request))
    except ValueError:
        error = Invalid(_("The form could not be read."), field="fields")
        return JsonResponse(error.as_body(), status=422)
    except AppError as exc:
        return JsonResponse(exc.as_body(), status=error_status(exc))
    form = FormVersion.objects.get(ticket_type=kind, version=kind.version)
    created = kind.version != before
    message = (
        _("Saved as version %(n)d; existing tickets keep their version.") % {"n": kind.version}
        if created
        else _("Saved.")
    )
    return JsonResponse(
        {
            "version": kind.version,
            "created": created,
            "fields": form.fields,
            "message": message,
            "versionNote": _version_note(kind, kind.tickets.exists()),
        }
    )


@login_required
@require_http_methods(["POST"])
def designer_preview(request: HttpRequest, type_id: int) -> HttpResponse:
    """The employee's form drawn by the submission page's own templates from a definition
    being designed (not saved). A definition the service would refuse answers 422 with the
    error; designer.js then keeps drawing its own approximate preview."""
    admin_type(request, type_id)
    try:
        body = json.loads(request.body or b"null")
        fields = parse_fields(body.get("fields") if isinstance(body, dict) else None)
    except ValueError:
        return JsonResponse(Invalid(_("The form could not be read.")).as_body(), status=422)
    except AppError as exc:
        return JsonResponse(exc.as_body(), status=error_status(exc))
    try:
        return render(request, "tickettypes/designer_preview.html", {"form": form_view(fields)})
    except TemplateDoesNotExist:  # the forms app's templates are not installed
        return JsonResponse(Invalid(_("No preview available.")).as_body(), status=503)


urlpatterns: list[URLPattern] = [
    path("manage/types/<int:type_id>/form/", designer, name="type-designer"),
    path("manage/types/<int:type_id>/form/preview/", designer_preview, name="type-preview"),
]
