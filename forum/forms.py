"""The comment composer: what a member may submit, with messages that say what to fix."""

import re
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator

from forum.models import CommentKind, SourceType

# C0 controls except tab, line feed and carriage return, DEL, and the C1 controls:
# invisible in a browser, and a NUL breaks PostgreSQL text columns.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What becomes a link once rendered: Markdown links and autolinks, bare URLs and
# www. addresses (linkified), and mailto links.
_LINKS = re.compile(r"(?i)(?:https?://|\bwww\.|mailto:)")

_DOI = re.compile(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$")
_PMID = re.compile(r"(?i)^(?:pmid:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)?(\d{1,9})/?$")
_https_url = URLValidator(schemes=["https"])


@dataclass(frozen=True)
class Source:
    type: str  # a SourceType value, or "" for none
    value: str


def parse_source(text: str) -> Source:
    """A DOI, PubMed id or https URL, normalized; ValidationError for anything else."""
    text = text.strip()
    if not text:
        return Source("", "")
    if match := _DOI.match(text):
        return Source(SourceType.DOI, match.group(1))
    if match := _PMID.match(text):
        return Source(SourceType.PUBMED, str(int(match.group(1))))
    try:
        _https_url(text)
    except ValidationError:
        raise ValidationError(
            "Cite a DOI (like 10.1000/xyz123), a PubMed id (like 12345678) "
            "or a web address starting with https://.",
            code="invalid_source",
        ) from None
    return Source(SourceType.URL, text)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write something before posting."},
    )
    kind = forms.ChoiceField(
        label="Type of comment (optional)",
        choices=[("", "No particular type"), *CommentKind.choices],
        required=False,
    )
    source = forms.CharField(
        label="Cite a source (optional)",
        required=False,
        max_length=500,
        help_text="A DOI, a PubMed id or a web address starting with https://.",
    )
    form_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "This form was incomplete. Please post it again."},
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Offered only after screening found doses or advice (see dosing_prompt): the member
    # may rephrase, cite a source, or post it as it is for a moderator to review first.
    dosing_confirmed = forms.BooleanField(
        label="Post it as it is: a moderator reviews it before others see it",
        required=False,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Set by the view when screening asks; a form posted with the box ticked keeps it.
        self.dosing_prompt = bool(self.is_bound and self.data.get("dosing_confirmed"))
        if editing:
            # An edit changes an existing row: nothing to deduplicate, nothing to reply to.
            del self.fields["form_token"], self.fields["parent"]
        elif not self.is_bound and not self.initial.get("form_token"):
            self.initial["form_token"] = uuid.uuid4()
        # One clear message for NUL and every other control character (clean_body).
        body = self.fields["body"]
        body.validators = [
            v for v in body.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        body.help_text = (
            f"Up to {settings.FORUM_MAX_COMMENT_LENGTH:,} characters "
            f"and {settings.FORUM_MAX_LINKS} links."
        )
        # Errors are announced with the field they belong to; refusals that concern the
        # whole comment (closed, suspended, too fast) with the text box.
        for name in ("body", "kind", "source", "dosing_confirmed"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_help"
        body.widget.attrs["aria-describedby"] += " composer-errors"

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise ValidationError("Write something before posting.", code="required")
        if _CONTROL_CHARACTERS.search(body):
            raise ValidationError(
                "Your comment contains an invisible control character (such as a NUL byte), "
                "often left over from copying and pasting. Remove it and post again.",
                code="control_characters",
            )
        limit = settings.FORUM_MAX_COMMENT_LENGTH
        if len(body) > limit:
            raise ValidationError(
                f"Your comment is {len(body):,} characters long; the limit is {limit:,}. "
                "Shorten it and post again.",
                code="too_long",
            )
        links = len(_LINKS.findall(body))
        if links > settings.FORUM_MAX_LINKS:
            raise ValidationError(
                f"Your comment has {links} links; the limit is {settings.FORUM_MAX_LINKS}. "
                "Keep the most useful ones.",
                code="too_many_links",
            )
        return body.strip("\n\r")

    def clean_source(self) -> Source:
        return parse_source(self.cleaned_data["source"])

    def parent_id(self) -> int | None:
        """The comment this answers, read before validation so a reply page can show it."""
        value = self.data.get("parent", "")
        return int(value) if value.isdigit() else None

    def edit_fields(self) -> dict:
        source: Source = self.cleaned_data["source"]
        return {
            "body": self.cleaned_data["body"],
            "kind": self.cleaned_data["kind"],
            "source_type": source.type,
            "source": source.value,
            "dosing_confirmed": self.cleaned_data["dosing_confirmed"],
        }

    def post_fields(self) -> dict:
        return {**self.edit_fields(), "form_token": self.cleaned_data["form_token"]}

    @staticmethod
    def initial_for(comment) -> dict:
        return {"body": comment.body_source, "kind": comment.kind, "source": comment.source}
