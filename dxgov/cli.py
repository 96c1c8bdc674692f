"""The `dxgov` console command: Django's manage.py under the project's own name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxgov.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["dxgov", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A configuration error is the operator's to fix: say which variable, no traceback.
        sys.stderr.write(f"dxgov: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
