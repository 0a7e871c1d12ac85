"""The operators' console in the Django admin: dead letters grouped by reason with dry-run and redrive (through the
redrive function), schedules with pause/resume (through the schedule group toggle function), queue depths and the
deploy and cutover executions. Turned on by "outrigger_django.console" in INSTALLED_APPS and OUTRIGGER["CONSOLE"]."""
