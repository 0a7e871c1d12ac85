#!/usr/bin/env python3
"""The example Django project the end-to-end tests run against the Outrigger local runtime."""
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # use the package from this checkout unless outrigger_django is installed
    sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
