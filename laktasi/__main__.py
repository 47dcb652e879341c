"""The ``laktasi`` command: every Django management command with laktasi's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["laktasi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
