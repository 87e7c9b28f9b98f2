"""Creating and upgrading the database, and preparing static files for serving."""

from __future__ import annotations

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def migrations_pending() -> int:
    """How many migrations the database still lacks (0 when it is up to date)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def migrate() -> int:
    """Create or upgrade the database quietly; return how many migrations were applied."""
    pending = migrations_pending()
    call_command("migrate", interactive=False, verbosity=0)
    return pending


def static_collect() -> None:
    """Copy static files into STATIC_ROOT (in the data folder), where the server finds them."""
    call_command("collectstatic", interactive=False, verbosity=0)
