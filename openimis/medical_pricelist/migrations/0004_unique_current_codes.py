"""Codes unique among the current rows (validity_to null), guarded by a partial unique index: two
requests that both found a code free cannot both write it (openimis.core.unique)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('location', '0005_unique_current_codes'),
        ('medical_pricelist', '0003_search_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='itemspricelist',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('name',), name='medical_pricelist_items_unique_current_name'),
        ),
        migrations.AddConstraint(
            model_name='servicespricelist',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('name',), name='medical_pricelist_services_unique_current_name'),
        ),
    ]
