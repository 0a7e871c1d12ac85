from django.apps import AppConfig


class OutriggerConfig(AppConfig):
    name = "outrigger_django"
    label = "outrigger"
    verbose_name = "Outrigger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from importlib import import_module

        from django.utils.module_loading import autodiscover_modules

        from . import checks, conf  # noqa: F401 (registers the system checks)

        # every installed app's outrigger_tasks.py registers its @outrigger_task / @outrigger_hook functions
        autodiscover_modules("outrigger_tasks")
        for module in conf.get("TASK_MODULES"):
            import_module(module)
