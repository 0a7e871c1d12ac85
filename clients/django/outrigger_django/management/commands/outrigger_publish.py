"""manage.py outrigger_publish: publish one job, or many with --many, from the command line; prints the job ids."""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from outrigger_django.exceptions import BatchNotSent, InvalidBatch, OutriggerError
from outrigger_django.publisher import publish, publish_many, publish_task, task_job


def _json(option, text, kind):
    try:
        value = json.loads(text)
    except ValueError as e:
        raise CommandError(f"{option} is not valid JSON: {e}")
    if not isinstance(value, kind):
        raise CommandError(f"{option} must be a JSON {'array' if kind is list else 'object'}")
    return value


def _many(source):
    """The jobs of a JSON-lines file ("-": stdin): each line a publish_many entry ({"type", "payload", ...}), or
    {"task", "args", "kwargs", ...} for a django.task job."""
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
    entries, lines = [], []
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError as e:
                raise CommandError(f"{source}:{number}: not valid JSON: {e}")
            if not isinstance(entry, dict):
                raise CommandError(f"{source}:{number}: must be a JSON object")
            if "task" in entry:
                entry = task_job(entry.pop("task"), entry.pop("args", None), entry.pop("kwargs", None), **entry)
            entries.append(entry)
            lines.append(number)
    return entries, lines


class Command(BaseCommand):
    help = ("Publish one Outrigger job and print its id; with --many FILE, every job of a JSON-lines file, sent in "
            "SendMessageBatch requests of up to 10, printing one id a line.")

    def add_arguments(self, parser):
        parser.add_argument("--type", default="django.task", help="job type (default django.task)")
        parser.add_argument("--task", help="task name, for type django.task")
        parser.add_argument("--args", dest="task_args", default="[]", help="JSON array of positional task arguments")
        parser.add_argument("--kwargs", default="{}", help="JSON object of keyword task arguments")
        parser.add_argument("--payload", help="JSON object payload (other types; overrides --task/--args/--kwargs)")
        parser.add_argument("--queue", help="Outrigger queue name (default: the task's, else default)")
        parser.add_argument("--job-id")
        parser.add_argument("--delay-seconds", type=int, default=0)
        parser.add_argument("--max-attempts", type=int)
        parser.add_argument("--meta", help="JSON object of string values")
        parser.add_argument("--group", help="SQS MessageGroupId: required on a FIFO queue; on a standard queue the "
                                            "tenant for fair queueing")
        parser.add_argument("--many", metavar="FILE",
                            help='publish every line of a JSON-lines file ("-": stdin) instead: {"type", "payload", '
                                 '"queue", "job_id", "delay_seconds", "max_attempts", "meta", "timeout_s", "group"}, '
                                 'or {"task", "args", "kwargs", ...}; none is sent if one is invalid')

    def handle(self, *args, **options):
        if options["many"] is not None:
            entries, lines = _many(options["many"])
            try:
                job_ids = publish_many(entries)
            except InvalidBatch as e:
                raise CommandError("nothing was sent: " + "; ".join(
                    f"{options['many']}:{lines[index]}: {error}" for index, _, error in e.problems))
            except BatchNotSent as e:
                for job_id in e.sent:
                    self.stdout.write(job_id)
                raise CommandError(str(e))
            except (OutriggerError, ValueError) as e:
                raise CommandError(str(e))
            for job_id in job_ids:
                self.stdout.write(job_id)
            return
        meta = _json("--meta", options["meta"], dict) if options["meta"] else None
        given = {k: v for k, v in (("queue", options["queue"]), ("job_id", options["job_id"]),
                                   ("max_attempts", options["max_attempts"]), ("meta", meta),
                                   ("group", options["group"])) if v is not None}
        try:
            if options["payload"] is not None:
                job_id = publish(options["type"], _json("--payload", options["payload"], dict),
                                 delay_seconds=options["delay_seconds"], **given)
            elif options["type"] == "django.task":
                if not options["task"]:
                    raise CommandError("--task is required for type django.task")
                job_id = publish_task(options["task"], _json("--args", options["task_args"], list),
                                      _json("--kwargs", options["kwargs"], dict),
                                      delay_seconds=options["delay_seconds"], **given)
            else:
                raise CommandError(f"--payload is required for type {options['type']}")
        except (OutriggerError, ValueError) as e:
            raise CommandError(str(e))
        self.stdout.write(job_id)
