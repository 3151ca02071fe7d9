"""Codes unique among the current rows (validity_to null), guarded by a partial unique index: two
requests that both found a code free cannot both write it (openimis.core.unique)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('location', '0005_unique_current_codes'),
        ('product', '0002_search_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='product',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('code',), name='product_product_unique_current_code'),
        ),
    ]
