"""Log lines for a deployment: one line per event, each with the request id."""

import logging
import re
from contextvars import ContextVar

# Set by RequestIdMiddleware for the duration of one request ("-" outside requests).
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class NoTracebackFilter(logging.Filter):
    """For client mistakes Django reports with exc_info: keep the message, drop the stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


# Every C0 control, DEL and the C1 controls: a raw NUL truncates lines in some collectors,
# escape sequences rewrite terminals, a newline forges a second event.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda match: _NAMED.get(match[0]) or f"\\x{ord(match[0]):02x}", text)


class OneLineFormatter(logging.Formatter):
    """Log collectors split on newlines: a traceback stays one event, with escaped breaks,
    and no control character from a request (a NUL in a path) reaches the log raw."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return escape_controls(super().format(record))
