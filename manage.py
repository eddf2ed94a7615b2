#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    # A development checkout's settings (`make install` writes DEBUG=1 there), so that the
    # commands of the README work as printed; the environment wins over the file, and the
    # container image has no such file (.dockerignore).
    from dotenv import load_dotenv

    load_dotenv(Path(__file__).resolve().parent / ".env", override=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
