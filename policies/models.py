"""The site's policy pages (community guidelines, terms, privacy, contact: DSA Art. 11,
12, 14) as dated versions editors write in the admin, and messages sent to the single
point of contact.

A version takes effect on its date and stays in effect until a later one does; a
version dated in the future is written ahead and shown from that day. Versions are
kept, never overwritten, so anyone can read what applied when.
"""

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.rendering import RENDERER_VERSION, render_article, trusted


class PolicyKind(models.TextChoices):
    GUIDELINES = "guidelines", _("Community guidelines")
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy notice")
    CONTACT = "contact", _("Contact")


class PolicyVersionQuerySet(models.QuerySet):
    def of(self, kind: str) -> "PolicyVersionQuerySet":
        return self.filter(kind=kind)

    def in_effect_on(self, day: datetime.date) -> "PolicyVersionQuerySet":
        """Versions that had taken effect by `day`, the one in effect first."""
        return self.filter(effective_on__lte=day).order_by("-effective_on", "-pk")

    def current(self, kind: str) -> "PolicyVersion | None":
        return self.of(kind).in_effect_on(timezone.localdate()).first()


class PolicyVersion(models.Model):
    kind = models.CharField(_("document"), max_length=12, choices=PolicyKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Markdown, as in articles: ## headings, lists, links.")
    )
    body_html = models.TextField(editable=False, default="")
    renderer_version = models.PositiveSmallIntegerField(editable=False, default=0)
    effective_on = models.DateField(
        _("in effect from"),
        help_text=_("The day this version takes effect. A future date: shown from that day."),
    )
    changes = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("One line for readers of the list of earlier versions."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-effective_on", "-pk"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_on"], name="policy_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.effective_on:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        # body_html is a cache of body, rendered once per edit (as articles are).
        self.body_html = render_article(self.body).html
        self.renderer_version = RENDERER_VERSION
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "renderer_version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("policies:version", kwargs={"kind": self.kind, "pk": self.pk})

    @property
    def trusted_body_html(self):
        return trusted(self.body_html)


class ContactMessage(models.Model):
    """A message to the single point of contact (authorities and users alike), kept so
    it can be answered and counted, and emailed to CONTACT_EMAIL."""

    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    # The notice number a visitor quotes when contesting a decision ("?notice=12").
    notice_reference = models.CharField(_("notice number"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.subject} ({self.created_at:%Y-%m-%d})"
