#!/usr/bin/env python
"""Django's command-line utility, with start-up faults reported in one line."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikm_portal.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        # An unreachable database or Redis is an operator's problem, not a bug:
        # say which service and where, without a traceback.
        from ikm_portal.startup import explain_service_error

        message = explain_service_error(exc)
        if message is None:
            raise
        sys.exit(message)


if __name__ == "__main__":
    main()
