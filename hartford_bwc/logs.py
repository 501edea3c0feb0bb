"""Logging filters: a refusal is one line in the log, a server error keeps its traceback."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drops the traceback Django attaches to a 4xx (PermissionDenied, Http404, bad requests).

    Such a response is the application working as designed; a traceback per refused page would bury
    the real server errors, which keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
