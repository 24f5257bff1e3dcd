"""The first version of each policy page (policies/defaults.py), rendered as the model's
save() renders it. Editors change them by adding dated versions in the admin."""

from django.db import migrations

from forum.rendering import RENDERER_VERSION, render_article
from policies.defaults import DEFAULTS, EFFECTIVE_ON


def load_defaults(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    for kind, (title, body) in DEFAULTS.items():
        if PolicyVersion.objects.filter(kind=kind).exists():
            continue
        PolicyVersion.objects.create(
            kind=kind,
            title=title,
            body=body,
            body_html=render_article(body).html,
            renderer_version=RENDERER_VERSION,
            effective_on=EFFECTIVE_ON,
            changes="First version",
        )


def remove_defaults(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyVersion.objects.filter(effective_on=EFFECTIVE_ON, changes="First version").delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
