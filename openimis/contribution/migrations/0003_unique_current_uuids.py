"""The uuid of a record is unique among the current rows, guarded by a partial unique index: two requests
creating a record with the same uuid of their choosing (a retried mobile enrolment) cannot both write it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contribution', '0002_list_indexes'),
        ('payer', '0003_search_indexes'),
        ('policy', '0004_unique_current_uuids'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='premium',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='contribution_premium_unique_current_uuid'),
        ),
    ]
