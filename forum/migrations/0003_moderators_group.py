"""The "Moderators" group, holding forum.moderate (declared in Comment.Meta.permissions).

Permissions are normally created after migrations run (post_migrate), so a fresh
database would not have forum.moderate yet: create it here if it is missing.
"""

from django.db import migrations

GROUP_NAME = "Moderators"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="forum", model="comment")
    permission, _ = Permission.objects.get_or_create(
        codename="moderate",
        content_type=content_type,
        defaults={"name": "Can moderate the discussion"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0002_queue_alert"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
