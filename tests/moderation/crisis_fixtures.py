"""The shipped crisis list and resources, for tests: transactional tests flush the rows
the data migration made, so tests that need them install them again."""

from forum.models import CrisisPhrase, SupportResource
from forum.moderation.crisis_defaults import DEFAULT_PHRASES, DEFAULT_RESOURCES


def install_crisis_defaults() -> None:
    for pattern, kind, language, note in DEFAULT_PHRASES:
        CrisisPhrase.objects.get_or_create(
            pattern=pattern,
            defaults={"is_regex": True, "kind": kind, "language": language, "note": note},
        )
    if not SupportResource.objects.exists():
        for position, row in enumerate(DEFAULT_RESOURCES):
            SupportResource.objects.create(position=position, **row)
