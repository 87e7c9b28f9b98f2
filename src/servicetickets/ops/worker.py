"""Background jobs for deployments that run them apart from the web processes.

Each round runs every job once; a failing job is logged and the others still run. The loop
waits ``interval`` seconds between rounds and ends cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicetickets.tickets.services import tickets_auto_confirm

logger = logging.getLogger("servicetickets.worker")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], int]
    # What to log after a round that did something, given the job's count.
    done: Callable[[int], str]


def _auto_confirm() -> int:
    return tickets_auto_confirm()


JOBS: tuple[Job, ...] = (
    Job(
        "auto_confirm",
        _auto_confirm,
        lambda n: (
            ngettext("Auto-confirmed %(n)d ticket.", "Auto-confirmed %(n)d tickets.", n) % {"n": n}
        ),
    ),
)


def run_round(jobs: tuple[Job, ...] | None = None) -> dict[str, int]:
    """Run every job once; return what each did (jobs that failed are left out)."""
    results: dict[str, int] = {}
    for job in JOBS if jobs is None else jobs:
        _connections_refresh()
        try:
            count = job.run()
        except Exception:
            logger.exception(_("Job %(job)s failed."), {"job": job.name})
            continue
        finally:
            _connections_refresh()
        results[job.name] = count
        if count:
            logger.info(job.done(count))
    return results


def _connections_refresh() -> None:
    """Drop broken or expired database connections, so a database restart does not break every
    later round. A connection inside a transaction (a caller's, or a test's) is left alone."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def run(*, once: bool = False, interval: float = 60.0, stop: threading.Event | None = None) -> int:
    """Run rounds until stopped (or one round with ``once``); return how many rounds ran."""
    stop = stop or threading.Event()
    previous = _install_stop_handlers(stop) if not once else {}
    rounds = 0
    try:
        if not once:
            logger.info(_("Worker started; a round every %(s)s seconds."), {"s": f"{interval:g}"})
        while True:
            run_round()
            rounds += 1
            if once or stop.wait(interval):
                break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    logger.info(
        ngettext("Worker stopped after %(n)d round.", "Worker stopped after %(n)d rounds.", rounds)
        % {"n": rounds}
    )
    return rounds


_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _install_stop_handlers(stop: threading.Event) -> dict[int, _Handler]:
    """Make SIGTERM and SIGINT end the loop after the current round; return the old handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handle(signum: int, frame: FrameType | None) -> None:
        logger.info(_("Stopping after this round."))
        stop.set()

    previous: dict[int, _Handler] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, handle)
    return previous
