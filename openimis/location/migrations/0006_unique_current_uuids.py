"""The uuid of a record is unique among the current rows, guarded by a partial unique index: two requests
creating a record with the same uuid of their choosing (a retried mobile enrolment) cannot both write it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('location', '0005_unique_current_codes'),
        ('medical_pricelist', '0004_unique_current_codes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='healthfacility',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='location_healthfacility_unique_current_uuid'),
        ),
        migrations.AddConstraint(
            model_name='location',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='location_location_unique_current_uuid'),
        ),
    ]
