"""Signed links that let a visitor (no account) contest the decision on their notice
(DSA Art. 20): the decision email carries one (emails.notify_notifiers), the contest
page reads it (complaint_views). Its own module so emails and appeals both use it."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from forum.models import Report

_CONTEST_SALT = "forum.report-contest"


def contest_url(*, report: Report, email: str) -> str:
    """A link that lets a visitor (no account) contest the decision on their notice: it is
    in the decision email. Signed, so it names one report and
    one address; it expires with the complaint window."""
    token = signing.dumps({"report": report.pk, "email": email}, salt=_CONTEST_SALT)
    return reverse("forum:report-contest-visitor", args=[token])


def read_contest_token(token: str) -> tuple[int, str] | None:
    """(report id, email) from a visitor's link, or None when forged or out of date."""
    max_age = settings.FORUM_COMPLAINT_MONTHS * 31 * 24 * 3600
    try:
        data = signing.loads(token, salt=_CONTEST_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return int(data["report"]), str(data["email"])
