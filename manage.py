#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The Django project lives in site/; it goes on the path instead of being
    # imported as `site`, a name the standard library already owns.
    sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
