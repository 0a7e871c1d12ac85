"""manage.py outrigger_export_beat: the project's live Celery beat schedule (settings and django-celery-beat) as the
JSON that `outrigger schedules convert --format beat` turns into EventBridge schedules."""

from django.core.management.base import BaseCommand, CommandError

from outrigger_django import celery_beat


class Command(BaseCommand):
    help = ("Export the Celery beat schedule, from the Celery app's beat_schedule and the django-celery-beat tables, "
            "as JSON for `outrigger schedules convert --format beat`. Entries EventBridge Scheduler cannot express "
            "are listed under \"refused\" with the reason (and on stderr); the rest are still exported.")

    def add_arguments(self, parser):
        parser.add_argument("--app", "-A",
                            help="the Celery app, as `celery -A` takes it (mysite, mysite.celery:app); default: "
                                 "$CELERY_APP, else the package of the settings module")
        parser.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
        parser.add_argument("--no-settings", action="store_true", help="leave out the app's beat_schedule")
        parser.add_argument("--no-database", action="store_true", help="leave out django-celery-beat's PeriodicTasks")

    def handle(self, *args, **options):
        try:
            name, app = celery_beat.load_app(options["app"])
        except celery_beat.ExportError as e:
            raise CommandError(str(e))
        document = celery_beat.export(app, name, include_settings=not options["no_settings"],
                                      include_database=not options["no_database"])
        text = celery_beat.dumps(document)
        if options["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
        for r in document["refused"]:
            self.stderr.write(f"refused: {r['name']} ({r['source']}): {r['reason']}")
        self.stderr.write(f"{len(document['beat_schedule'])} entr{'y' if len(document['beat_schedule']) == 1 else 'ies'}"
                          f" exported, {len(document['refused'])} refused"
                          + ("" if options["output"] == "-" else f" to {options['output']}"))
