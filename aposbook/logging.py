"""Log lines for a deployment: one line per event, each with the request id."""

import logging
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


class OneLineFormatter(logging.Formatter):
    """Log collectors split on newlines: a traceback stays one event, with escaped breaks."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")
