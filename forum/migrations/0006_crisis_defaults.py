"""The crisis phrases and the default support resources a new site starts with."""

from django.db import migrations

from forum.moderation.crisis_defaults import DEFAULT_RESOURCES
from forum.moderation.crisis_defaults import FIRST_PHRASES as DEFAULT_PHRASES


def add_defaults(apps, schema_editor):
    CrisisPhrase = apps.get_model("forum", "CrisisPhrase")
    SupportResource = apps.get_model("forum", "SupportResource")
    for pattern, kind, language, note in DEFAULT_PHRASES:
        CrisisPhrase.objects.get_or_create(
            pattern=pattern,
            defaults={"is_regex": True, "kind": kind, "language": language, "note": note},
        )
    if not SupportResource.objects.exists():
        for position, row in enumerate(DEFAULT_RESOURCES):
            SupportResource.objects.create(position=position, **row)


def remove_defaults(apps, schema_editor):
    CrisisPhrase = apps.get_model("forum", "CrisisPhrase")
    CrisisPhrase.objects.filter(pattern__in=[row[0] for row in DEFAULT_PHRASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("forum", "0005_crisis_language")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
