"""The report pages: the key indicators, then the status and efficiency reports with charts.

Each page reads the same selectors as ``/api/v1/reports/*`` over the same ``ReportScope``
(``reports.scope.report_scope`` checks the caller and the filters), so the numbers on a page
are the API's. Only desk admins and site admins read reports; for anyone else the pages do not
exist (404). A filter the scope refuses is shown beside its field (422) instead of a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from servicetickets.core.api import _field_from_loc, _validation_message
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, NotFound
from servicetickets.desks.models import Desk
from servicetickets.reports import charts, selectors
from servicetickets.reports.schemas import ReportQuery
from servicetickets.reports.scope import (
    DEFAULT_MONTHS,
    ReportScope,
    administered_desk_ids,
    months_before,
    report_scope,
)
from servicetickets.reports.tallies import Efficiency, Target, Timing
from servicetickets.web.errors import error_context, error_status
from servicetickets.web.templatetags.web import duration

#: The query parameters of every report page (``ReportQuery``'s names).
FILTERS = ("desk", "type", "submitted_from", "submitted_to")
#: Quick periods: (key, label, days or months back from today).
PRESETS: tuple[tuple[str, Any, int, str], ...] = (
    ("30d", gettext_lazy("30 days"), 30, "days"),
    ("6m", gettext_lazy("6 months"), DEFAULT_MONTHS, "months"),
    ("12m", gettext_lazy("12 months"), 12, "months"),
)


@dataclass
class Filters:
    """The filter form as asked (``values``), the choices it offers, and either the checked
    scope or the errors to show beside the fields."""

    values: dict[str, str]
    desks: list[Desk]
    types: list[Any]
    scope: ReportScope | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    status: int = 200


def _desks_or_404(request: HttpRequest) -> tuple[int, ...] | None:
    """The desks the caller administers (``None``: site admin, every desk); nobody else may
    know the reports exist."""
    mine = administered_desk_ids(caller(request))
    if mine is not None and not mine:
        raise NotFound(_("Not found."))
    return mine


def _filters(request: HttpRequest) -> Filters:
    mine = _desks_or_404(request)
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    desks = list(
        (Desk.objects.all() if mine is None else Desk.objects.filter(pk__in=mine)).order_by("name")
    )
    out = Filters(values=values, desks=desks, types=selectors.report_type_choices(mine))
    try:
        query = ReportQuery.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = _field_from_loc(list(first.get("loc", []))) or "desk"
        out.field_errors = {name: _validation_message(dict(first))}
        out.status = 422
        return out
    try:
        out.scope = report_scope(
            user=caller(request),
            desk=query.desk,
            ticket_type=query.type,
            submitted_from=query.submitted_from,
            submitted_to=query.submitted_to,
        )
    except AppError as exc:
        context = error_context(exc)
        out.field_errors, out.error = context["field_errors"], context["error"]
        out.status = error_status(exc)
    return out


def _preset_start(amount: int, unit: str, now: datetime) -> str:
    if unit == "days":
        return (timezone.localdate(now) - timedelta(days=amount)).isoformat()
    return timezone.localtime(months_before(now, amount)).date().isoformat()


def _presets(values: dict[str, str]) -> list[dict[str, Any]]:
    """Quick periods as the ``submitted_from`` they set (up to now); the default period (no
    bounds) is the 6 months one."""
    now = timezone.now()
    out = []
    for key, label, amount, unit in PRESETS:
        start = _preset_start(amount, unit, now)
        current = not values["submitted_to"] and (
            values["submitted_from"] == start
            or (not values["submitted_from"] and amount == DEFAULT_MONTHS and unit == "months")
        )
        out.append({"key": key, "label": label, "start": start, "current": current})
    return out


def _context(request: HttpRequest, filters: Filters, tab: str) -> dict[str, Any]:
    scope = filters.scope
    params = {k: v for k, v in filters.values.items() if v}
    return {
        "tab": tab,
        "filters": filters,
        "values": filters.values,
        "field_errors": filters.field_errors,
        "error": filters.error,
        "presets": _presets(filters.values),
        "scope": scope,
        "period_start": timezone.localtime(scope.start) if scope else None,
        "period_end": timezone.localtime(scope.end) if scope and scope.end else None,
        "query": f"?{urlencode(params)}" if params else "",
        "params": params,
    }


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def _hours(value: float | None) -> float | None:
    return None if value is None else value / 3600


def _share(target: Target) -> str:
    return "—" if target.share is None else f"{target.share:.0%}"


def _timing(timing: Timing) -> dict[str, Any]:
    return {
        "count": timing.count,
        "average": _seconds(timing.average),
        "hours": _hours(timing.average),
    }


def _efficiency(result: Efficiency) -> dict[str, Any]:
    """An efficiency result as the page shows it: durations as timedeltas (the ``duration``
    filter prints them), SLA shares as percentages."""
    return {
        "response": _timing(result.response),
        "processing": _timing(result.processing),
        "response_target": result.response_target,
        "processing_target": result.processing_target,
        "response_share": _share(result.response_target),
        "processing_share": _share(result.processing_target),
        "overdue_open": result.overdue_open,
    }


def _person_name(person: selectors.Person) -> str:
    name = person.name or person.username
    return _("%(name)s (deleted)") % {"name": name} if person.deleted else name


# --- Pages ----------------------------------------------------------------------------------


@login_required
def report_home(request: HttpRequest) -> HttpResponse:
    """The two key indicators, each a card opening its report."""
    filters = _filters(request)
    context = _context(request, filters, "home")
    if filters.scope is not None:
        context["status"] = selectors.report_status(filters.scope)
        context["efficiency"] = _efficiency(selectors.report_efficiency(filters.scope))
    return render(request, "reports/home.html", context, status=filters.status)


_STATES = (
    ("pending", gettext_lazy("Pending")),
    ("processing", gettext_lazy("Processing")),
    ("to_confirm", gettext_lazy("To confirm")),
    ("closed", gettext_lazy("Closed")),
)


@login_required
def report_status(request: HttpRequest) -> HttpResponse:
    """Tickets per state, and per person (processing, to confirm, closed)."""
    filters = _filters(request)
    context = _context(request, filters, "status")
    if filters.scope is not None:
        counts = selectors.report_status(filters.scope)
        states = [(key, label, getattr(counts, key)) for key, label in _STATES]
        # Stacked with one series per row, so each state's bar takes that state's colour.
        context["status"] = counts
        context["states"] = states
        context["status_chart"] = charts.bar_chart(
            [
                (str(label), [value if i == j else 0 for j in range(len(states))], [])
                for i, (_key, label, value) in enumerate(states)
            ],
            stacked=True,
            total_texts=[str(value) for _k, _l, value in states],
        )
        by_person = selectors.report_status_by_person(filters.scope)
        context["people"] = [
            {"name": _person_name(person), "person": person, "tally": tally}
            for person, tally in by_person
        ]
        context["people_series"] = [_("Processing"), _("To confirm"), _("Closed")]
        context["people_chart"] = charts.bar_chart(
            [
                (_person_name(person), [t.processing, t.to_confirm, t.closed], [])
                for person, t in by_person
            ],
            stacked=True,
            total_texts=[str(t.processed) for _person, t in by_person],
        )
    return render(request, "reports/status.html", context, status=filters.status)


def _period_label(start: Any, bucket: str) -> str:
    return start.strftime("%Y-%m") if bucket == "month" else start.strftime("%m-%d")


@login_required
def report_efficiency(request: HttpRequest) -> HttpResponse:
    """Average response and processing times (with SLA shares), per person, and over time."""
    filters = _filters(request)
    context = _context(request, filters, "efficiency")
    scope = filters.scope
    if scope is not None:
        context["efficiency"] = _efficiency(selectors.report_efficiency(scope))
        people = [
            {"name": _person_name(person), "person": person, **_efficiency(result)}
            for person, result in selectors.report_efficiency_by_person(scope)
        ]
        context["people"] = people
        context["time_series"] = [_("Average response"), _("Average processing")]
        context["people_chart"] = charts.bar_chart(
            [
                (
                    row["name"],
                    [row["response"]["hours"], row["processing"]["hours"]],
                    [duration(row["response"]["average"]), duration(row["processing"]["average"])],
                )
                for row in people
            ]
        )
        bucket = selectors.trend_bucket(scope)
        trend = selectors.report_trend(scope, bucket=bucket)
        labels = [_period_label(point.start, bucket) for point in trend]
        response = [_hours(point.response.average) for point in trend]
        processing = [_hours(point.processing.average) for point in trend]
        context.update(
            bucket=bucket,
            trend=[
                {
                    "start": point.start,
                    "label": label,
                    "submitted": point.submitted,
                    "response": _seconds(point.response.average),
                    "processing": _seconds(point.processing.average),
                }
                for point, label in zip(trend, labels, strict=True)
            ],
            submitted_chart=charts.column_chart([p.submitted for p in trend], labels),
            response_chart=charts.line_chart(
                response,
                labels,
                [duration(v) for v in response],
                tick_text=duration,
                steps=charts.DURATION_STEPS,
            ),
            processing_chart=charts.line_chart(
                processing,
                labels,
                [duration(v) for v in processing],
                tick_text=duration,
                steps=charts.DURATION_STEPS,
            ),
        )
    return render(request, "reports/efficiency.html", context, status=filters.status)


urlpatterns: list[URLPattern] = [
    path("reports/", report_home, name="reports"),
    path("reports/status/", report_status, name="reports-status"),
    path("reports/efficiency/", report_efficiency, name="reports-efficiency"),
]
