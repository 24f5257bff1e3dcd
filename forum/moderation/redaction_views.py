"""Redacting part of a comment from its queue item page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aposbook.http import MemberRequest
from forum.models import Comment
from forum.moderation import queue as waiting
from forum.moderation.errors import ActionRefused
from forum.moderation.redaction import redact_comment
from forum.moderation.redaction_forms import RedactForm
from forum.moderation.views import item_context, moderator_required


@require_POST
@moderator_required
def redact(request: MemberRequest, pk: int) -> HttpResponse:
    comment = Comment.objects.filter(pk=pk).only("body_source").first()
    if comment is None:
        raise Http404
    form = RedactForm(request.POST, body_source=comment.body_source)
    if form.is_valid():
        try:
            redact_comment(
                comment_id=pk,
                moderator=request.user,
                spans=form.cleaned_data["spans"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Redacted. The author has been told."))
            return redirect(reverse("forum:moderation-item", args=[pk]))
        except ActionRefused as refusal:
            form.add_error("text", str(refusal))
    item = waiting.queue_item(moderator=request.user, pk=pk)
    if item is None:
        raise Http404
    context = item_context(request, item, redact_form=form)
    return render(request, "moderation/item.html", context, status=400)
