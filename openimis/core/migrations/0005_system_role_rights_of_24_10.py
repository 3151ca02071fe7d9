"""A database whose system roles came from openIMIS before this migration gets the rights 24.10's module
migrations give them (`openimis.core.system_role_rights`). On an empty database there is no role yet: the
loading of legacy tables makes the same changes."""

from django.db import migrations

from openimis.core.system_role_rights import apply_system_role_rights


def add_rights(apps, schema_editor):
    apply_system_role_rights(apps.get_model("core", "Role"), apps.get_model("core", "RoleRight"))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_search_indexes"),
    ]

    operations = [
        migrations.RunPython(add_rights, migrations.RunPython.noop),
    ]
