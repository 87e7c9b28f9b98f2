"""``/reports/*``: desk admins read their desks' reports, site admins every desk's."""

from __future__ import annotations

from typing import TypedDict

from django.http import HttpRequest
from ninja import Query, Router

from servicetickets.core.auth import caller
from servicetickets.reports import selectors
from servicetickets.reports.schemas import (
    EfficiencyOut,
    PersonEfficiencyOut,
    PersonStatusOut,
    ReportQuery,
    StatusOut,
)
from servicetickets.reports.scope import ReportScope, report_scope
from servicetickets.reports.tallies import Efficiency

router = Router(tags=["reports"])


def _scope(request: HttpRequest, query: ReportQuery) -> ReportScope:
    return report_scope(
        user=caller(request),
        desk=query.desk,
        ticket_type=query.type,
        submitted_from=query.submitted_from,
        submitted_to=query.submitted_to,
    )


@router.get("/reports/status", response=StatusOut)
def status(request: HttpRequest, query: Query[ReportQuery]) -> StatusOut:
    counts = selectors.report_status(_scope(request, query))
    return StatusOut(
        total=counts.total,
        pending=counts.pending,
        processing=counts.processing,
        to_confirm=counts.to_confirm,
        closed=counts.closed,
    )


@router.get("/reports/status-by-person", response=list[PersonStatusOut])
def status_by_person(request: HttpRequest, query: Query[ReportQuery]) -> list[PersonStatusOut]:
    return [
        PersonStatusOut(
            username=person.username,
            name=person.name,
            deleted=person.deleted,
            processed=tally.processed,
            processing=tally.processing,
            to_confirm=tally.to_confirm,
            closed=tally.closed,
        )
        for person, tally in selectors.report_status_by_person(_scope(request, query))
    ]


class _Sla(TypedDict):
    response_targeted: int
    response_within_target: int
    response_within_target_share: float | None
    processing_targeted: int
    processing_within_target: int
    processing_within_target_share: float | None
    overdue_open: int


def _sla(result: Efficiency) -> _Sla:
    response, processing = result.response_target, result.processing_target
    return {
        "response_targeted": response.targeted,
        "response_within_target": response.within,
        "response_within_target_share": response.share,
        "processing_targeted": processing.targeted,
        "processing_within_target": processing.within,
        "processing_within_target_share": processing.share,
        "overdue_open": result.overdue_open,
    }


@router.get("/reports/efficiency", response=EfficiencyOut)
def efficiency(request: HttpRequest, query: Query[ReportQuery]) -> EfficiencyOut:
    result = selectors.report_efficiency(_scope(request, query))
    return EfficiencyOut(
        accepted=result.response.count,
        avg_response_seconds=result.response.average,
        processed=result.processing.count,
        avg_processing_seconds=result.processing.average,
        **_sla(result),
    )


@router.get("/reports/efficiency-by-person", response=list[PersonEfficiencyOut])
def efficiency_by_person(
    request: HttpRequest, query: Query[ReportQuery]
) -> list[PersonEfficiencyOut]:
    return [
        PersonEfficiencyOut(
            username=person.username,
            name=person.name,
            deleted=person.deleted,
            received=result.response.count,
            avg_response_seconds=result.response.average,
            processed=result.processing.count,
            avg_processing_seconds=result.processing.average,
            **_sla(result),
        )
        for person, result in selectors.report_efficiency_by_person(_scope(request, query))
    ]
