"""The first version of each policy page (policies/defaults.py), rendered as the model's
save() renders it. Editors change them by adding dated versions in the admin."""

from django.db import migrations

from policies.defaults import EFFECTIVE_ON, load_defaults


def load_first_versions(apps, schema_editor):
    load_defaults(apps.get_model("policies", "PolicyVersion"))


def remove_defaults(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyVersion.objects.filter(effective_on=EFFECTIVE_ON, changes="First version").delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(load_first_versions, remove_defaults)]
