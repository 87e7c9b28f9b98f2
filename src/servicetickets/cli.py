"""The ``servicetickets`` command (API.md, "Command line").

Each subcommand parses its arguments, calls one function of ``servicetickets.ops`` or a
service, and prints the outcome. Refusals (``AppError``) become one line on stderr and exit
status 1, never a traceback. Configuration comes from the environment through ``settings``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicetickets.core.errors import AppError

# Modules that define models are imported inside the commands: Django is set up first.
PROG = "servicetickets"


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicetickets.settings")
    try:
        _django_setup()
    except Exception as exc:  # settings read the environment; say what is wrong in one line
        # Not translated: translations need the settings that just failed.
        print(f"{PROG}: configuration error: {exc}", file=sys.stderr)
        return 2

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse has already explained
        return exc.code if isinstance(exc.code, int) else 2
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except AppError as exc:
        _error(exc.message)
        return 1
    except DatabaseError as exc:  # unreachable, refused, or not migrated: one line, no traceback
        _error(_("Database error: %(error)s") % {"error": str(exc).strip() or type(exc).__name__})
        return 1
    except KeyboardInterrupt:
        return 130


def _django_setup() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _error(message: str) -> None:
    print(_("%(prog)s: %(message)s") % {"prog": PROG, "message": message}, file=sys.stderr)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a whole number.") % {"value": text}
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("Must be at least 1."))
    return value


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(_("A port is at most 65535."))
    return value


def build_parser() -> argparse.ArgumentParser:
    from servicetickets.ops.serve import default_workers

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_(
            "Service Tickets: a self-hosted service desk. Configure it with environment "
            "variables (DATABASE_URL, SERVICETICKETS_DATA, SECRET_KEY, REDIS_URL, "
            "ALLOWED_HOSTS, TIME_ZONE, EMAIL_URL)."
        ),
    )
    commands = parser.add_subparsers(title=_("commands"), metavar="COMMAND", required=True)

    def command(
        name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def host_port(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--host", default="127.0.0.1", help=_("address to listen on (default: %(default)s)")
        )
        sub.add_argument(
            "--port", type=_port, default=8000, help=_("port to listen on (default: %(default)s)")
        )

    demo = command(
        "demo",
        _(
            "Create or upgrade the embedded database, load demo desks, types, users and tickets "
            "once, print the address and the demo sign-ins, and serve."
        ),
        _cmd_demo,
    )
    host_port(demo)

    serve = command(
        "serve", _("Serve in production mode (ASGI; live notifications work)."), _cmd_serve
    )
    host_port(serve)
    serve.add_argument(
        "--workers",
        type=_positive,
        default=default_workers(),
        help=_("server processes (default: the CPU count, at most 4; here %(default)s)"),
    )
    serve.add_argument(
        "--no-worker",
        dest="background",
        action="store_false",
        help=_(
            "do not run background jobs (e-mail, webhooks, auto-confirm) in this process; "
            "run “%(prog)s worker” apart instead"
        )
        % {"prog": PROG},
    )

    command("migrate", _("Create or upgrade the database."), _cmd_migrate)

    user = commands.add_parser("user", help=_("Manage users."), description=_("Manage users."))
    user_commands = user.add_subparsers(title=_("commands"), metavar="COMMAND", required=True)
    add = user_commands.add_parser(
        "add", help=_("Add a user."), description=_("Add a user; refuse if the username exists.")
    )
    add.set_defaults(handler=_cmd_user_add)
    add.add_argument("username", metavar="USERNAME", help=_("the sign-in name"))
    add.add_argument("--name", default="", help=_("display name"))
    add.add_argument("--email", default="", help=_("e-mail address"))
    add.add_argument(
        "--password",
        metavar="PW",
        help=_(
            "password (at least 8 characters); '-' reads it from standard input; without it "
            "the user cannot sign in with a password"
        ),
    )
    add.add_argument("--site-admin", action="store_true", help=_("make the user a site admin"))

    token = command(
        "token",
        _("Print a new API token for the user (one line, nothing else)."),
        _cmd_token,
    )
    token.add_argument("username", metavar="USERNAME", help=_("whose token"))

    seed = command(
        "seed",
        _(
            "Fill the database with realistic synthetic history for benchmarks: tickets over "
            "the last months in every state, with transfers, returns and ratings (bulk inserts)."
        ),
        _cmd_seed,
    )
    seed.add_argument(
        "--tickets", type=_positive, required=True, metavar="N", help=_("how many tickets")
    )
    seed.add_argument(
        "--desks", type=_positive, default=2, metavar="D", help=_("new desks (default: 2)")
    )
    seed.add_argument(
        "--types", type=_positive, default=5, metavar="T", help=_("types per desk (default: 5)")
    )
    seed.add_argument(
        "--users", type=_positive, default=50, metavar="U", help=_("new users (default: 50)")
    )
    seed.add_argument(
        "--months",
        type=_positive,
        default=6,
        metavar="M",
        help=_("how many months back the history goes (default: 6)"),
    )
    seed.add_argument(
        "--seed", type=int, default=None, help=_("random seed, for the same history again")
    )
    seed.add_argument(
        "--password",
        metavar="PW",
        help=_("password for every new user (default: they cannot sign in with a password)"),
    )
    seed.add_argument(
        "--batch-size",
        type=_positive,
        default=5000,
        metavar="N",
        help=_("tickets per transaction (default: 5000)"),
    )

    worker = command(
        "worker",
        _(
            "Run background jobs (outward reminders by e-mail and webhook, auto-confirm) apart "
            "from the web processes: queued jobs within a second, periodic ones every "
            "interval. Stops cleanly on SIGTERM or Ctrl+C."
        ),
        _cmd_worker,
    )
    worker.add_argument(
        "--once",
        action="store_true",
        help=_("run one round of periodic jobs and every due queued job, then exit"),
    )
    worker.add_argument(
        "--interval",
        type=_positive,
        default=60,
        metavar="SECONDS",
        help=_("seconds between rounds of periodic jobs (default: 60)"),
    )

    backup = command(
        "backup",
        _(
            "Write the database, the uploaded files and the export files into one archive "
            "(.tar.gz). Safe while the server runs. PostgreSQL needs pg_dump on PATH."
        ),
        _cmd_backup,
    )
    backup.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help=_(
            "where to write the archive (default: servicetickets-backup-DATE-TIME.tar.gz in "
            "the current folder); an existing file is never overwritten"
        ),
    )

    restore = command(
        "restore",
        _(
            "Restore an archive made by “backup” into the database of DATABASE_URL and the data "
            "folder of SERVICETICKETS_DATA. Stop the server first. Refuses a database, upload "
            "folder or export folder that already holds data unless --force. A PostgreSQL "
            "database must exist (it may be empty) and pg_restore be on PATH."
        ),
        _cmd_restore,
    )
    restore.add_argument("archive", metavar="FILE", help=_("the archive to restore"))
    restore.add_argument(
        "--force",
        action="store_true",
        help=_(
            "replace what the target holds: the database's tables, and uploaded and export "
            "files of the same names (other files stay)"
        ),
    )
    return parser


# --- commands ----------------------------------------------------------------------------


def _cmd_migrate(args: argparse.Namespace) -> int:
    from servicetickets.ops.db import migrate

    applied = migrate()
    if applied:
        print(
            ngettext(
                "Applied %(n)d migration; the database is up to date.",
                "Applied %(n)d migrations; the database is up to date.",
                applied,
            )
            % {"n": applied}
        )
    else:
        print(_("The database is up to date."))
    return 0


def _cmd_user_add(args: argparse.Namespace) -> int:
    from servicetickets.accounts.services import user_create

    password = args.password
    if password == "-":
        password = sys.stdin.readline().rstrip("\r\n")
    user = user_create(
        username=args.username,
        name=args.name,
        email=args.email,
        password=password or None,
        site_admin=args.site_admin,
    )
    if user.site_admin:
        print(_("Added site admin %(username)s.") % {"username": user.username})
    else:
        print(_("Added user %(username)s.") % {"username": user.username})
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    from servicetickets.accounts.selectors import user_get
    from servicetickets.accounts.services import token_create

    user = user_get(username=args.username)
    if not user.is_active:
        _error(_("User %(username)s is deactivated.") % {"username": user.username})
        return 1
    print(token_create(user=user))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from servicetickets.ops.db import migrations_pending, static_collect
    from servicetickets.ops.serve import serve

    pending = migrations_pending()
    if pending:
        _error(
            ngettext(
                "The database lacks %(n)d migration; run “%(prog)s migrate” first.",
                "The database lacks %(n)d migrations; run “%(prog)s migrate” first.",
                pending,
            )
            % {"n": pending, "prog": PROG}
        )
        return 1
    static_collect()
    serve(host=args.host, port=args.port, workers=args.workers, background=args.background)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from servicetickets.ops.db import migrate, static_collect
    from servicetickets.ops.demo import DEMO_PASSWORD, SIGN_INS, demo_load
    from servicetickets.ops.serve import public_url, serve

    migrate()
    static_collect()
    if demo_load():
        print(_("Loaded the demo desks, users and tickets."))
    else:
        print(_("The demo data is already loaded."))
    print()
    print(
        _("Open %(url)s and sign in as one of:")
        % {"url": public_url(host=args.host, port=args.port)}
    )
    rows = [(_("username"), _("password"), _("role"))]
    rows += [(s.username, DEMO_PASSWORD, str(s.role)) for s in SIGN_INS]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for username, password, role in rows:
        print(f"  {username:<{widths[0]}}  {password:<{widths[1]}}  {role}")
    print(flush=True)
    serve(host=args.host, port=args.port, workers=1)
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    from servicetickets.ops.seed import SeedOptions, seed

    def progress(done: int, total: int, seconds: float) -> None:
        rate = done / seconds if seconds > 0 else 0.0
        print(
            _("%(done)s of %(total)s tickets (%(rate)s a second)")
            % {"done": f"{done:,}", "total": f"{total:,}", "rate": f"{rate:,.0f}"},
            flush=True,
        )

    result = seed(
        SeedOptions(
            tickets=args.tickets,
            desks=args.desks,
            types=args.types,
            users=args.users,
            months=args.months,
            seed=args.seed,
            batch_size=args.batch_size,
            password=args.password,
        ),
        progress=progress,
    )
    rate = result.tickets / result.seconds if result.seconds > 0 else 0.0
    print(
        _(
            "Seeded %(tickets)s tickets and %(entries)s timeline entries on desks %(desks)s "
            "(%(types)d types, %(users)d users) in %(seconds).1f s: %(rate)s tickets a second."
        )
        % {
            "tickets": f"{result.tickets:,}",
            "entries": f"{result.entries:,}",
            "desks": ", ".join(result.desks),
            "types": result.types,
            "users": result.users,
            "seconds": result.seconds,
            "rate": f"{rate:,.0f}",
        }
    )
    print("  " + ", ".join(f"{state} {count:,}" for state, count in sorted(result.states.items())))
    return 0


def _counts(counts: dict[str, int]) -> str:
    from servicetickets.ops.backup import count_labels

    labels = count_labels()
    return ", ".join(f"{counts.get(key, 0):,} {label}" for key, label in labels.items())


def _cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from servicetickets.ops.backup import VENDOR_NAMES, backup

    result = backup(Path(args.output) if args.output else None)
    print(
        ngettext(
            "Wrote %(path)s (%(size)s bytes): the %(vendor)s database and %(files)s file.",
            "Wrote %(path)s (%(size)s bytes): the %(vendor)s database and %(files)s files.",
            result.files,
        )
        % {
            "path": result.path,
            "size": f"{result.size:,}",
            "vendor": VENDOR_NAMES[result.vendor],
            "files": f"{result.files:,}",
        }
    )
    print("  " + _counts(result.counts))
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from servicetickets.ops.backup import VENDOR_NAMES, restore

    result = restore(Path(args.archive), force=args.force)
    print(
        ngettext(
            "Restored the backup of %(created)s into the %(vendor)s database, and %(files)s "
            "file into the data folder.",
            "Restored the backup of %(created)s into the %(vendor)s database, and %(files)s "
            "files into the data folder.",
            result.files,
        )
        % {
            "created": result.created_at,
            "vendor": VENDOR_NAMES[result.vendor],
            "files": f"{result.files:,}",
        }
    )
    print("  " + _counts(result.counts))
    if result.pending_migrations:
        print(
            ngettext(
                "The backup lacks %(n)d migration of this version; run “%(prog)s migrate” next.",
                "The backup lacks %(n)d migrations of this version; run “%(prog)s migrate” next.",
                result.pending_migrations,
            )
            % {"n": result.pending_migrations, "prog": PROG}
        )
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from servicetickets.ops.worker import run

    run(once=args.once, interval=float(args.interval))
    return 0


if __name__ == "__main__":
    sys.exit(main())
