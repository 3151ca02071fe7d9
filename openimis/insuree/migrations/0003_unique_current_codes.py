"""Codes unique among the current rows (validity_to null), guarded by a partial unique index: two
requests that both found a code free cannot both write it (openimis.core.unique)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('insuree', '0002_list_indexes'),
        ('location', '0005_unique_current_codes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='insuree',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('chf_id',), name='insuree_insuree_unique_current_chf_id'),
        ),
    ]
