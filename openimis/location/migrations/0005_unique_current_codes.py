"""Codes unique among the current rows (validity_to null), guarded by a partial unique index: two
requests that both found a code free cannot both write it (openimis.core.unique)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('location', '0004_search_indexes'),
        ('medical_pricelist', '0003_search_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='healthfacility',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('code',), name='location_healthfacility_unique_current_code'),
        ),
        migrations.AddConstraint(
            model_name='location',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('code',), name='location_location_unique_current_code'),
        ),
    ]
