"""What the reports add up, as values that can be added together (parts of one period read
from different places make one answer)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class StatusCounts:
    pending: int = 0
    processing: int = 0
    to_confirm: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.processing + self.to_confirm + self.closed

    def __add__(self, other: StatusCounts) -> StatusCounts:
        return StatusCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class PersonStatus:
    """SPEC.md §5 "status by person": ``processing`` as assignee, ``to_confirm`` as
    processor, ``closed`` = resolved as processor + rejected by them."""

    processing: int = 0
    to_confirm: int = 0
    closed: int = 0

    @property
    def processed(self) -> int:
        return self.processing + self.to_confirm + self.closed

    def __add__(self, other: PersonStatus) -> PersonStatus:
        return PersonStatus(
            self.processing + other.processing,
            self.to_confirm + other.to_confirm,
            self.closed + other.closed,
        )


@dataclass(frozen=True)
class Timing:
    """How many tickets a duration is averaged over, and the sum of their durations."""

    count: int = 0
    seconds: float = 0.0

    @property
    def average(self) -> float | None:
        """Seconds to the millisecond; ``None`` when there is nothing to average."""
        return round(self.seconds / self.count, 3) if self.count else None

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.count + other.count, self.seconds + other.seconds)


@dataclass(frozen=True)
class Target:
    """Of the tickets an SLA target is judged on, how many met it."""

    targeted: int = 0
    within: int = 0

    @property
    def share(self) -> float | None:
        """``within / targeted`` (0 to 1); ``None`` when no ticket is judged."""
        return self.within / self.targeted if self.targeted else None

    def __add__(self, other: Target) -> Target:
        return Target(self.targeted + other.targeted, self.within + other.within)


@dataclass(frozen=True)
class Efficiency:
    """``response``: tickets with ``accepted_at``; ``processing``: tickets ``to_confirm`` or
    closed ``resolved``; ``response_target``/``processing_target``: those of them that had a
    due time, and how many met it; ``overdue_open``: open tickets past a due time now (see
    ``reports.selectors``)."""

    response: Timing = Timing()
    processing: Timing = Timing()
    response_target: Target = Target()
    processing_target: Target = Target()
    overdue_open: int = 0

    def __add__(self, other: Efficiency) -> Efficiency:
        return Efficiency(
            self.response + other.response,
            self.processing + other.processing,
            self.response_target + other.response_target,
            self.processing_target + other.processing_target,
            self.overdue_open + other.overdue_open,
        )


def merged[T: (PersonStatus, Efficiency)](
    parts: Iterable[Mapping[int, T]], zero: T
) -> dict[int, T]:
    """Per-person tallies of several parts added up person by person."""
    out: dict[int, T] = {}
    for part in parts:
        for person, tally in part.items():
            out[person] = out.get(person, zero) + tally
    return out
