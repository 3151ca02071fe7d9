"""Codes unique among the current rows (validity_to null), guarded by a partial unique index: two
requests that both found a code free cannot both write it (openimis.core.unique)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claim', '0002_claim_ded_rem'),
        ('location', '0005_unique_current_codes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='claimadmin',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('code',), name='claim_claimadmin_unique_current_code'),
        ),
    ]
