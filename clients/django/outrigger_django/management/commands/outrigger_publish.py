"""manage.py outrigger_publish: publish one job from the command line and print its id."""
import json

from django.core.management.base import BaseCommand, CommandError

from outrigger_django.exceptions import OutriggerError
from outrigger_django.publisher import publish


def _json(option, text, kind):
    try:
        value = json.loads(text)
    except ValueError as e:
        raise CommandError(f"{option} is not valid JSON: {e}")
    if not isinstance(value, kind):
        raise CommandError(f"{option} must be a JSON {'array' if kind is list else 'object'}")
    return value


class Command(BaseCommand):
    help = "Publish one Outrigger job. Prints the job id."

    def add_arguments(self, parser):
        parser.add_argument("--type", default="django.task", help="job type (default django.task)")
        parser.add_argument("--task", help="task name, for type django.task")
        parser.add_argument("--args", dest="task_args", default="[]", help="JSON array of positional task arguments")
        parser.add_argument("--kwargs", default="{}", help="JSON object of keyword task arguments")
        parser.add_argument("--payload", help="JSON object payload (other types; overrides --task/--args/--kwargs)")
        parser.add_argument("--queue", default="default")
        parser.add_argument("--job-id")
        parser.add_argument("--delay-seconds", type=int, default=0)
        parser.add_argument("--max-attempts", type=int)
        parser.add_argument("--meta", help="JSON object of string values")

    def handle(self, *args, **options):
        if options["payload"] is not None:
            payload = _json("--payload", options["payload"], dict)
        elif options["type"] == "django.task":
            if not options["task"]:
                raise CommandError("--task is required for type django.task")
            payload = {"task": options["task"], "args": _json("--args", options["task_args"], list),
                       "kwargs": _json("--kwargs", options["kwargs"], dict)}
        else:
            raise CommandError(f"--payload is required for type {options['type']}")
        meta = _json("--meta", options["meta"], dict) if options["meta"] else None
        try:
            job_id = publish(options["type"], payload, queue=options["queue"], job_id=options["job_id"],
                             delay_seconds=options["delay_seconds"], max_attempts=options["max_attempts"],
                             meta=meta)
        except (OutriggerError, ValueError) as e:
            raise CommandError(str(e))
        self.stdout.write(job_id)
