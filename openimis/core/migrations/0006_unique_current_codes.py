"""Codes unique among the current rows (validity_to null), guarded by a partial unique index: two
requests that both found a code free cannot both write it (openimis.core.unique)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_system_role_rights_of_24_10'),
        ('location', '0004_search_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='interactiveuser',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('login_name',), name='core_interactiveuser_unique_current_login_name'),
        ),
        migrations.AddConstraint(
            model_name='officer',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('code',), name='core_officer_unique_current_code'),
        ),
        migrations.AddConstraint(
            model_name='role',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), condition=models.Q(('validity_to__isnull', True)), name='core_role_unique_current_name'),
        ),
    ]
