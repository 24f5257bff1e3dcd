"""The comment composer: what a member may submit, with messages that say what to fix."""

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum import validation
from forum.models import Comment, CommentKind
from forum.validation import Source


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": validation.EMPTY_BODY},
    )
    kind = forms.ChoiceField(
        label=_("Type of comment (optional)"),
        choices=[("", _("No particular type")), *CommentKind.choices],
        required=False,
    )
    source = forms.CharField(
        label=_("Cite a source (optional)"),
        required=False,
        max_length=validation.SOURCE_MAX_LENGTH,
        help_text=_("A DOI, a PubMed id or a web address starting with https://."),
    )
    form_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("This form was incomplete. Please post it again.")},
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Offered only after screening found doses or advice (see dosing_prompt): the member
    # may rephrase, cite a source, or post it as it is for a moderator to review first.
    dosing_confirmed = forms.BooleanField(
        label=_("Post it as it is: a moderator reviews it before others see it"),
        required=False,
    )

    # Sent by the "Post anyway" button of the private-information prompt
    # (forum/_privacy_prompt.html): held for a moderator to read first.
    privacy_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set by the view when screening asks; a form posted with the box ticked keeps it.
        self.dosing_prompt = bool(self.is_bound and self.data.get("dosing_confirmed"))
        # Set by the view when screening finds private information (the marked text).
        self.privacy_findings: Any = None
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
        body.help_text = gettext("Up to %(length)s characters and %(links)d links.") % {
            "length": number_format(settings.FORUM_MAX_COMMENT_LENGTH, force_grouping=True),
            "links": settings.FORUM_MAX_LINKS,
        }
        # Errors are announced with the field they belong to; refusals that concern the
        # whole comment (closed, suspended, too fast) with the text box.
        for name in ("body", "kind", "source", "dosing_confirmed"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_help"
        body.widget.attrs["aria-describedby"] += " composer-errors"

    def clean_body(self) -> str:
        return validation.clean_body(self.cleaned_data["body"])

    def clean_source(self) -> Source:
        return validation.parse_source(self.cleaned_data["source"])

    def parent_id(self) -> int | None:
        """The comment this answers, read before validation so a reply page can show it."""
        value = self.data.get("parent", "")
        return int(value) if value.isdigit() else None

    def edit_fields(self) -> dict[str, Any]:
        source: Source = self.cleaned_data["source"]
        return {
            "body": self.cleaned_data["body"],
            "kind": self.cleaned_data["kind"],
            "source_type": source.type,
            "source": source.value,
            "dosing_confirmed": self.cleaned_data["dosing_confirmed"],
            "privacy_confirmed": self.cleaned_data["privacy_confirmed"],
        }

    def post_fields(self) -> dict[str, Any]:
        return {**self.edit_fields(), "form_token": self.cleaned_data["form_token"]}

    @staticmethod
    def initial_for(comment: Comment) -> dict[str, Any]:
        return {"body": comment.body_source, "kind": comment.kind, "source": comment.source}
