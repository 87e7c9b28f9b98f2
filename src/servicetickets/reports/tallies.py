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
class Efficiency:
    """``response``: tickets with ``accepted_at``; ``processing``: tickets ``to_confirm`` or
    closed ``resolved``."""

    response: Timing = Timing()
    processing: Timing = Timing()

    def __add__(self, other: Efficiency) -> Efficiency:
        return Efficiency(self.response + other.response, self.processing + other.processing)


def merged[T: (PersonStatus, Efficiency)](
    parts: Iterable[Mapping[int, T]], zero: T
) -> dict[int, T]:
    """Per-person tallies of several parts added up person by person."""
    out: dict[int, T] = {}
    for part in parts:
        for person, tally in part.items():
            out[person] = out.get(person, zero) + tally
    return out
