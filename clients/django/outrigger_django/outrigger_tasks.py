"""The package's own hooks, one for each schedule template.yaml ships enabled, so a new project's schedules succeed
from the first day (found like every app's outrigger_tasks module). A project's own @outrigger_hook of the same name
replaces the package's (registry.package_hook)."""
import logging

from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from .exceptions import PermanentError
from .prune import parse_age, prune
from .registry import package_hook

log = logging.getLogger("outrigger_django")

# one call deletes at most this many rows: the hook runs inside one transaction, within the hook's HTTP timeout;
# a backlog shrinks by this much a day (or run `manage.py outrigger_prune` once)
HOOK_DEFAULT_LIMIT = 100_000
# the health ping names at most this many unapplied migrations (and counts them all)
MAX_MIGRATIONS_NAMED = 20


class UnappliedMigrations(Exception):
    """The code expects migrations the database does not have: answered 500, so the schedule's retries and then its
    dead-letter queue (and the alarm on it) report it."""


@package_hook("clearsessions")
def clearsessions(scheduled_time, args):
    """Django's `manage.py clearsessions` (template.yaml's clearsessions schedule, daily 03:00 UTC)."""
    if not apps.is_installed("django.contrib.sessions"):
        return {"cleared": False, "reason": "django.contrib.sessions is not installed: no sessions to clear"}
    try:
        call_command("clearsessions")
    except CommandError as e:
        # the session engine keeps nothing to expire on the server (signed cookies): nothing to do, every day
        log.info("outrigger clearsessions: %s", e)
        return {"cleared": False, "reason": str(e)}
    return {"cleared": True}


@package_hook("health_ping")
def health_ping(scheduled_time, args):
    """template.yaml's 5-minute ping: answers with the state of the default database and its migrations. An
    unreachable database fails the call before this runs (the run's claim can't be written: 503); unapplied
    migrations fail it here."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unapplied = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    if unapplied:
        named = ", ".join(unapplied[:MAX_MIGRATIONS_NAMED]) + (", …" if len(unapplied) > MAX_MIGRATIONS_NAMED else "")
        log.error("outrigger health_ping: %s unapplied migration(s) on database %r: %s; run manage.py migrate",
                  len(unapplied), DEFAULT_DB_ALIAS, named)
        raise UnappliedMigrations(f"{len(unapplied)} unapplied migration(s) on database {DEFAULT_DB_ALIAS!r}: "
                                  f"{named}; run manage.py migrate")
    return {"database": {"alias": DEFAULT_DB_ALIAS, "vendor": connection.vendor, "ok": True},
            "migrations": {"applied": len(executor.loader.applied_migrations), "unapplied": 0}}


@package_hook("outrigger_prune")
def outrigger_prune(scheduled_time, args):
    """args: {"older_than": "30d", "limit": 100000}; the age counts back from the scheduled time."""
    args = args if isinstance(args, dict) else {}
    try:
        age = parse_age(args.get("older_than", "30d"))
        limit = int(args.get("limit", HOOK_DEFAULT_LIMIT))
    except (TypeError, ValueError) as e:
        # the schedule's Input is wrong: retrying can't help, so straight to the scheduler's DLQ with the reason
        raise PermanentError(f"outrigger_prune: {e}")
    return {"deleted": prune(age, now=scheduled_time, limit=limit)}
