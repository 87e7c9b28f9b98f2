"""Background work: queued jobs (outward reminders) as soon as they are due, and periodic jobs
(auto-confirm, …) in rounds.

``servicetickets worker`` runs this in its own process; ``servicetickets serve`` runs it in a
thread of the serving process unless told ``--no-worker``. Queued jobs are rows of the main
database (Django's tasks framework with the ``django_tasks_db`` backend): the loop looks for
due ones every ``TASK_POLL_SECONDS``, so a job starts about a second after its action commits.
Several workers may run at once: each job is claimed by one. A round of periodic jobs runs
every ``interval`` seconds; a failing job is logged and the others still run. The loop ends
cleanly on SIGTERM or SIGINT, after the job at hand.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from django.db import OperationalError, connections, transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks_db.management.commands.db_worker import Worker as _DbWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from servicetickets.exports.services import exports_tidy
from servicetickets.outbound.services import deliveries_recover, outbound_tidy
from servicetickets.tickets.services import (
    tickets_auto_confirm,
    tickets_confirm_remind,
    tickets_overdue_remind,
)

logger = logging.getLogger("servicetickets.worker")

# How often the queue is looked at when idle: the delay between a commit and its job.
TASK_POLL_SECONDS = 1.0
# After the queue could not be read (the database is away), the next look is this much later.
TASK_RETRY_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], int]
    # What to log after a round that did something, given the job's count.
    done: Callable[[int], str]


def _auto_confirm() -> int:
    return tickets_auto_confirm()


def _confirm_remind() -> int:
    return tickets_confirm_remind()


def _overdue_remind() -> int:
    return tickets_overdue_remind()


def _outbound_recover() -> int:
    return deliveries_recover()


# Tidying scans old rows: once an hour is plenty, whatever the round's interval.
TIDY_EVERY_SECONDS = 3600.0
_tidied_at: float | None = None


def _outbound_tidy() -> int:
    global _tidied_at
    if _tidied_at is not None and time.monotonic() - _tidied_at < TIDY_EVERY_SECONDS:
        return 0
    _tidied_at = time.monotonic()
    return outbound_tidy()


def _exports_tidy() -> int:
    return exports_tidy()


JOBS: tuple[Job, ...] = (
    Job(
        "auto_confirm",
        _auto_confirm,
        lambda n: (
            ngettext("Auto-confirmed %(n)d ticket.", "Auto-confirmed %(n)d tickets.", n) % {"n": n}
        ),
    ),
    # After auto-confirm, so a ticket closed in this round is not also reminded.
    Job(
        "confirm_reminder",
        _confirm_remind,
        lambda n: (
            ngettext(
                "Reminded %(n)d requester to confirm.", "Reminded %(n)d requesters to confirm.", n
            )
            % {"n": n}
        ),
    ),
    Job(
        "overdue_reminder",
        _overdue_remind,
        lambda n: (
            ngettext(
                "Sent the overdue reminder of %(n)d ticket.",
                "Sent the overdue reminders of %(n)d tickets.",
                n,
            )
            % {"n": n}
        ),
    ),
    Job(
        "outbound_recover",
        _outbound_recover,
        lambda n: (
            ngettext(
                "Queued %(n)d interrupted outward reminder again.",
                "Queued %(n)d interrupted outward reminders again.",
                n,
            )
            % {"n": n}
        ),
    ),
    Job(
        "outbound_tidy",
        _outbound_tidy,
        lambda n: (
            ngettext(
                "Removed %(n)d old job or delivery record.",
                "Removed %(n)d old job and delivery records.",
                n,
            )
            % {"n": n}
        ),
    ),
    Job(
        "exports_tidy",
        _exports_tidy,
        lambda n: ngettext("Removed %(n)d old export.", "Removed %(n)d old exports.", n) % {"n": n},
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


# --- queued jobs -------------------------------------------------------------------------


def _task_claim(worker_id: str) -> DBTaskResult | None:
    """The next due job, marked running for this worker; None when there is none.

    Looked for first without a transaction: an idle poll must not take SQLite's write lock
    (IMMEDIATE transactions take it at BEGIN) every second."""
    ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
    if not ready.exists():
        return None
    try:
        with transaction.atomic():
            # SKIP LOCKED on PostgreSQL: two workers take two different jobs.
            row = ready.get_locked()
            if row is not None:
                row.claim(worker_id)
            return row
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return None
        raise


def run_tasks(*, stop: threading.Event | None = None, worker_id: str | None = None) -> int:
    """Run due queued jobs until none is left (or ``stop`` is set); return how many ran.

    Each job runs outside any transaction; a job that raises is marked failed and logged."""
    worker_id = worker_id or get_random_string(32)
    # The library's worker runs one claimed job and records its result and signals; its own
    # loop is not used (it exits the process on signals and closes connections in tests).
    runner = _DbWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while stop is None or not stop.is_set():
        _connections_refresh()
        row = _task_claim(worker_id)
        if row is None:
            break
        runner.run_task(row)
        ran += 1
    return ran


# --- the loop ----------------------------------------------------------------------------


def run(*, once: bool = False, interval: float = 60.0, stop: threading.Event | None = None) -> int:
    """Run queued jobs as they come and a round of periodic jobs every ``interval`` seconds
    until stopped; with ``once``, one round and every due queued job. Returns the rounds run."""
    stop = stop or threading.Event()
    previous = stop_on_signals(stop) if not once else {}
    worker_id = get_random_string(32)
    rounds = 0
    next_round = time.monotonic()
    try:
        if not once:
            logger.info(_("Worker started; a round every %(s)s seconds."), {"s": f"{interval:g}"})
        while True:
            if time.monotonic() >= next_round:
                run_round()
                rounds += 1
                next_round = time.monotonic() + interval
            poll = TASK_POLL_SECONDS
            try:
                run_tasks(stop=stop, worker_id=worker_id)
            except Exception:  # the database is away: log, and look again less often
                logger.exception(_("Running queued jobs failed."))
                poll = TASK_RETRY_SECONDS
            if once:
                break
            wait = max(0.0, min(poll, next_round - time.monotonic()))
            if stop.wait(wait):
                break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    logger.info(
        ngettext("Worker stopped after %(n)d round.", "Worker stopped after %(n)d rounds.", rounds)
        % {"n": rounds}
    )
    return rounds


def start_in_thread(*, interval: float = 60.0) -> tuple[threading.Thread, threading.Event]:
    """Run the worker beside a server in this process; set the event to stop it."""
    stop = threading.Event()

    def target() -> None:
        try:
            run(interval=interval, stop=stop)
        finally:
            # Connections are per thread; this one's are closed here, not left to the pool.
            for conn in connections.all(initialized_only=True):
                conn.close()

    thread = threading.Thread(target=target, name="servicetickets-worker", daemon=True)
    thread.start()
    return thread, stop


_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def stop_on_signals(stop: threading.Event) -> dict[int, _Handler]:
    """Make SIGTERM and SIGINT set ``stop`` (the loop ends after the job or round at hand);
    return the handlers they replace. Only the main thread may do this; elsewhere, nothing."""
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
