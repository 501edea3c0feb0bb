#!/usr/bin/env python
"""Django's command-line utility for the Hartford BWC inventory."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
    from hartford_bwc.environment import commands_default_to_debug, read_env_file

    read_env_file()
    commands_default_to_debug()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
