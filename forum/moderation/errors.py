"""What moderation refuses: each text is the message shown to the person."""

from __future__ import annotations


class ModerationError(Exception):
    """A refused request; the text is the message shown to the person."""


class ReportRefused(ModerationError):
    pass


class AppealRefused(ModerationError):
    pass


class ActionRefused(ModerationError):
    """Not allowed, or the form was stale: nothing was changed."""


class ApplicationRefused(ModerationError):
    """An expert application that cannot be taken: the text says why."""


class NoticeRefused(ModerationError):
    """A visitor's notice that cannot be taken: the text says why, the form keeps theirs."""


class TooManyNotices(NoticeRefused):
    """Sent too often from this address or email (answered with a 429)."""
