"""What members may submit: the one set of rules the forms and the services both ask.

A form asks to help the member (every field's message at once, their text kept); a
service asks to protect the data (a caller without the form gets the same refusal, with
the same words). Each check raises django's ValidationError with a code.
"""

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    URLValidator,
)
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.models import CommentKind, ReportReason, SourceType

# C0 controls except tab, line feed and carriage return, DEL, and the C1 controls:
# invisible in a browser, and a NUL breaks PostgreSQL text columns.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What becomes a link once rendered: Markdown links and autolinks, bare URLs and
# www. addresses (linkified), and mailto links.
_LINKS = re.compile(r"(?i)(?:https?://|\bwww\.|mailto:)")

_DOI = re.compile(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$")
_PMID = re.compile(r"(?i)^(?:pmid:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)?(\d{1,9})/?$")
_https_url = URLValidator(schemes=["https"])

SOURCE_MAX_LENGTH = 500  # the Comment.source column
NOTE_MAX_LENGTH = 1000  # report notes and appeal messages: a paragraph, not an essay

EMPTY_BODY = _("Write something before posting.")
INVALID_SOURCE = _(
    "Cite a DOI (like 10.1000/xyz123), a PubMed id (like 12345678) "
    "or a web address starting with https://."
)
REASON_REQUIRED = _("Please choose a reason.")
OTHER_NEEDS_NOTE = _("Please say what is wrong when you choose “Other”.")
APPEAL_REQUIRED = _("Please say why the comment should be restored.")
COMPLAINT_REQUIRED = _("Please say why the decision should be looked at again.")


@dataclass(frozen=True)
class Source:
    type: str  # a SourceType value, or "" for none
    value: str


def message_of(error: ValidationError) -> str:
    """The first message, with its parameters filled in, as the form would show it."""
    return error.messages[0]


def _text_field_checks(value: str, max_length: int) -> None:
    """What a django CharField(max_length=...) refuses, with django's own messages
    (asked after stripping, as the field does)."""
    ProhibitNullCharactersValidator()(value)
    MaxLengthValidator(max_length)(value)


def clean_body(body: str) -> str:
    """The comment text as stored (blank lines around it dropped), or ValidationError."""
    if not body.strip():
        raise ValidationError(EMPTY_BODY, code="required")
    if _CONTROL_CHARACTERS.search(body):
        raise ValidationError(
            gettext(
                "Your comment contains an invisible control character (such as a NUL byte), "
                "often left over from copying and pasting. Remove it and post again."
            ),
            code="control_characters",
        )
    limit = settings.FORUM_MAX_COMMENT_LENGTH
    if len(body) > limit:
        raise ValidationError(
            gettext(
                "Your comment is %(length)s characters long; the limit is %(limit)s. "
                "Shorten it and post again."
            )
            % {
                "length": number_format(len(body), force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
            },
            code="too_long",
        )
    links = len(_LINKS.findall(body))
    if links > settings.FORUM_MAX_LINKS:
        raise ValidationError(
            gettext(
                "Your comment has %(links)d links; the limit is %(limit)d. "
                "Keep the most useful ones."
            )
            % {"links": links, "limit": settings.FORUM_MAX_LINKS},
            code="too_many_links",
        )
    return body.strip("\n\r")


def clean_kind(kind: str) -> str:
    """One of CommentKind, or "" for none; refused with the form's choice message."""
    if kind and kind not in CommentKind.values:
        raise ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": kind},
        )
    return kind


def parse_source(text: str) -> Source:
    """A DOI, PubMed id or https URL, normalized; ValidationError for anything else."""
    text = text.strip()
    _text_field_checks(text, SOURCE_MAX_LENGTH)
    if not text:
        return Source("", "")
    if match := _DOI.match(text):
        return Source(SourceType.DOI, match.group(1))
    if match := _PMID.match(text):
        return Source(SourceType.PUBMED, str(int(match.group(1))))
    try:
        _https_url(text)
    except ValidationError:
        raise ValidationError(INVALID_SOURCE, code="invalid_source") from None
    return Source(SourceType.URL, text)


def check_source(source_type: str, source: str) -> Source:
    """A source as the services store it: exactly what parse_source makes of its text
    (a caller without the form cannot store a javascript: URL labelled as a DOI)."""
    parsed = parse_source(source)
    if parsed != Source(source_type, source):
        raise ValidationError(INVALID_SOURCE, code="invalid_source")
    return parsed


def check_comment(*, body: str, kind: str, source_type: str, source: str) -> str:
    """Every rule on what a comment says, in the form's order; the body as stored."""
    body = clean_body(body)
    clean_kind(kind)
    check_source(source_type, source)
    return body


def clean_report(*, reason: str, note: str) -> str:
    """A report's reason and note as the report form takes them; the note as stored."""
    if not reason:
        raise ValidationError(REASON_REQUIRED, code="required")
    if reason not in ReportReason.values:
        raise ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": reason},
        )
    note = note.strip()
    _text_field_checks(note, NOTE_MAX_LENGTH)
    if reason == ReportReason.OTHER and not note:
        raise ValidationError(OTHER_NEEDS_NOTE, code="note_required")
    return note


def clean_appeal_message(message: str) -> str:
    """An appeal's message as the appeal form takes it; the message as stored."""
    message = message.strip()
    _text_field_checks(message, NOTE_MAX_LENGTH)
    if not message:
        raise ValidationError(APPEAL_REQUIRED, code="required")
    return message


def clean_complaint_message(message: str) -> str:
    """A complaint's message (about a sanction, a restriction or a report not acted on)."""
    message = message.strip()
    _text_field_checks(message, NOTE_MAX_LENGTH)
    if not message:
        raise ValidationError(COMPLAINT_REQUIRED, code="required")
    return message
