"""The uuid of a record is unique among the current rows, guarded by a partial unique index: two requests
creating a record with the same uuid of their choosing (a retried mobile enrolment) cannot both write it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_mutation_log_received_index'),
        ('insuree', '0004_unique_current_uuids'),
        ('policy', '0003_list_indexes'),
        ('product', '0003_unique_current_codes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='policy',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='policy_policy_unique_current_uuid'),
        ),
    ]
