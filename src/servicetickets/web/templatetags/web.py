"""Filters and tags every area's templates share."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | float | int | None) -> str:
    """A duration as people read it: ``2 d 3 h``, ``5 h 20 min``, ``45 min``. Numbers are
    hours (the API's unit); ``None`` is an em dash (nothing to average)."""
    if value is None or value == "":
        return "—"
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value) * 3600
    minutes = max(0, round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return (
            _("%(d)s d %(h)s h") % {"d": days, "h": hours} if hours else _("%(d)s d") % {"d": days}
        )
    if hours:
        return (
            _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
            if mins
            else _("%(h)s h") % {"h": hours}
        )
    return _("%(m)s min") % {"m": mins}


@register.simple_tag(takes_context=True)
def current(context: template.Context, *prefixes: str) -> SafeString | str:
    """``aria-current="page"`` when the request path starts with one of ``prefixes``, or the
    page's ``nav_from`` does (a ticket page belongs under My tickets, the workbench or Data)."""
    request: HttpRequest | None = context.get("request")
    paths = [request.path] if request is not None else []
    paths += [context["nav_from"]] if context.get("nav_from") else []
    if any(path.startswith(p) for path in paths for p in prefixes):
        return mark_safe('aria-current="page"')
    return ""


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago, as people say it: ``just now`` under a minute, else ``3 hours ago``."""
    if value is None:
        return ""
    now = now or timezone.now()
    if now - value < timedelta(minutes=1):
        return _("just now")
    return _("%(age)s ago") % {"age": timesince(value, now)}
