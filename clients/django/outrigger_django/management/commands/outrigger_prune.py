"""manage.py outrigger_prune: delete finished job runs older than an age."""
from django.core.management.base import BaseCommand, CommandError

from outrigger_django.prune import parse_age, prune


class Command(BaseCommand):
    help = ("Deletes Outrigger job runs that finished (succeeded, or failed for good) longer ago than --older-than. "
            "Runs that are ready (including deferred tasks) or running are kept. Keep the age above the job queues' "
            "message retention, so that a late duplicate delivery still finds its run and is not run again.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", default="30d", metavar="AGE",
                            help="age of the finished runs to delete: a number and s, m, h, d or w (default 30d)")
        parser.add_argument("--batch-size", type=int, default=10_000, metavar="N",
                            help="rows deleted per statement (default 10000)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")

    def handle(self, *args, **options):
        try:
            age = parse_age(options["older_than"])
        except ValueError as e:
            raise CommandError(f"--older-than: {e}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        count = prune(age, batch_size=options["batch_size"], dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(f"{verb} {count} job run(s) finished more than {options['older_than']} ago")
