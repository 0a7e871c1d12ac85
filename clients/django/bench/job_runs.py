"""Benchmark of the job-run table as a Tasks result store: fills it to --rows rows (SQLite, a file in a temp dir) and
prints the time per get_result() and per pruned row, with the migrated indexes, without the indexes the results
change added (finished_at; name+status), and with no index at all (the table rebuilt without its job_id index).

    python3 clients/django/bench/job_runs.py                  # 10^6 rows, about 2-4 minutes
    python3 clients/django/bench/job_runs.py --rows 100000    # quicker

Needs Django with the Tasks framework (6.x, or 4.2 / 5.2 with the django_tasks backport on the path).
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

TASK = "bench_tasks.generate_report"
ADDED_INDEXES = ["outrigger_run_finished_idx", "outrigger_run_name_status_idx"]


def configure(db_path):
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "outrigger_django"]
        + ([] if _builtin_tasks() else ["django_tasks"]),
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        OUTRIGGER={"QUEUES": {"default": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"},
                   "TASK_MODULES": ["bench_tasks"]},
        TASKS={"default": {"BACKEND": "outrigger_django.tasks.OutriggerBackend", "QUEUES": ["default"]}},
    )
    django.setup()


def _builtin_tasks():
    import importlib.util

    return importlib.util.find_spec("django.tasks") is not None


def fill(db_path, rows, now, seed):
    """rows runs: 90 % succeeded and 5 % failed, finished over the last 60 days; 5 % ready (deferred/retrying)."""
    rng = random.Random(seed)
    con = sqlite3.connect(db_path)
    columns = ("job_id, kind, name, status, attempts, claim_token, last_error, errors, enqueued_at, started_at, "
               "last_attempted_at, finished_at, backend, queue_name, run_after, args, kwargs, return_value")
    sql = f"INSERT INTO outrigger_outriggerjobrun ({columns}) VALUES ({', '.join('?' * 18)})"
    ids = []

    def rows_():
        for i in range(rows):
            job_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            ids.append(job_id)
            enqueued = now - timedelta(seconds=rng.uniform(0, 60 * 86400))
            roll = rng.random()
            status = "succeeded" if roll < 0.90 else "failed" if roll < 0.95 else "ready"
            finished = None if status == "ready" else enqueued + timedelta(seconds=rng.uniform(0.1, 5))
            started = None if status == "ready" else enqueued + timedelta(seconds=0.05)
            errors = "[]" if status != "failed" else json.dumps(
                [{"exception_class_path": "builtins.RuntimeError", "traceback": "Traceback ...\nRuntimeError: x"}])
            yield (job_id, "task", TASK, status, 0 if status == "ready" else 1, "",
                   "RuntimeError" if status == "failed" else "", errors, _iso(enqueued), _iso(started),
                   _iso(started), _iso(finished), "default", "default", None, json.dumps([i]), "{}",
                   json.dumps({"report": i}) if status == "succeeded" else None)

    with con:
        con.executemany(sql, rows_())
    con.execute("ANALYZE")
    con.close()
    return ids


def _iso(value):
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def use_database(path):
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = path


def time_get_result(ids, lookups, seed):
    from outrigger_django.taskapi import task_backends

    backend = task_backends["default"]
    rng = random.Random(seed)
    for result_id in rng.sample(ids, min(50, lookups)):  # warm the connection, the import and the page cache
        backend.get_result(result_id)
    times = []
    for result_id in rng.sample(ids, lookups):
        started = time.perf_counter()
        backend.get_result(result_id)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_prune(prune_rows, now):
    from django.db import connection

    from outrigger_django.prune import prune

    with connection.cursor() as cursor:
        # the age that makes exactly prune_rows finished runs old enough (the oldest ones)
        cursor.execute("SELECT finished_at FROM outrigger_outriggerjobrun WHERE finished_at IS NOT NULL "
                       "ORDER BY finished_at LIMIT 1 OFFSET %s", [prune_rows])
        value = cursor.fetchone()[0]
        cutoff = (value if isinstance(value, datetime) else datetime.fromisoformat(value)).replace(tzinfo=timezone.utc)
    started = time.perf_counter()
    deleted = prune(now - cutoff, now=now)
    return deleted, (time.perf_counter() - started) / max(deleted, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000, help="get_result calls per variant (default 2000)")
    parser.add_argument("--prune", default="1000,50000",
                        help="rows each variant prunes, one prune per number in turn (default 1000,50000: a daily "
                             "trickle, then a backlog)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    work = tempfile.mkdtemp(prefix="outrigger-bench-job-runs-")
    try:
        base = os.path.join(work, "base.sqlite3")
        configure(base)
        import django
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        now = datetime.now(timezone.utc)
        started = time.perf_counter()
        ids = fill(base, options.rows, now, options.seed)
        fill_s = time.perf_counter() - started
        size_mb = os.path.getsize(base) / 1e6
        print(f"job-run table: {options.rows} rows, SQLite {sqlite3.sqlite_version}, Django {django.get_version()}, "
              f"Python {sys.version.split()[0]}; filled in {fill_s:.0f} s, {size_mb:.0f} MB", flush=True)

        variants = [("migrated (all indexes)", [], options.lookups),
                    ("without the finished_at and name+status indexes", ADDED_INDEXES, options.lookups),
                    ("no index at all (not even job_id)", None, max(10, options.lookups // 100))]
        rows = []
        for label, drop, lookups in variants:
            path = os.path.join(work, f"variant-{len(rows)}.sqlite3")
            use_database(path)  # closes the connection, so the copy below is consistent
            shutil.copyfile(base, path)
            con = sqlite3.connect(path)
            if drop is None:
                con.executescript("CREATE TABLE bare AS SELECT * FROM outrigger_outriggerjobrun;"
                                  "DROP TABLE outrigger_outriggerjobrun;"
                                  "ALTER TABLE bare RENAME TO outrigger_outriggerjobrun; ANALYZE;")
            for index in drop or []:
                con.execute(f"DROP INDEX {index}")
            con.commit()
            con.close()
            per_get = time_get_result(ids, lookups, options.seed)
            prunes = [time_prune(int(n), now) for n in options.prune.split(",")]
            rows.append((label, per_get, lookups, prunes))
            print(f"  {label}: get_result {per_get * 1e6:,.0f} µs (median of {lookups}), prune "
                  + ", ".join(f"{per_row * 1e6:,.1f} µs per row of {deleted}" for deleted, per_row in prunes),
                  flush=True)
            use_database(base)
            os.remove(path)

        print()
        sizes = options.prune.split(",")
        print(f"| table of {options.rows:,} rows | time per get_result | "
              + " | ".join(f"per pruned row, pruning {int(n):,}" for n in sizes) + " |")
        print("|---|---|" + "---|" * len(sizes))
        for label, per_get, lookups, prunes in rows:
            print(f"| {label} | {per_get * 1e6:,.0f} µs | "
                  + " | ".join(f"{per_row * 1e6:,.1f} µs" for _, per_row in prunes) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
