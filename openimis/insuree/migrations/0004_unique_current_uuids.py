"""The uuid of a record is unique among the current rows, guarded by a partial unique index: two requests
creating a record with the same uuid of their choosing (a retried mobile enrolment) cannot both write it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('insuree', '0003_unique_current_codes'),
        ('location', '0006_unique_current_uuids'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='family',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='insuree_family_unique_current_uuid'),
        ),
        migrations.AddConstraint(
            model_name='insuree',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='insuree_insuree_unique_current_uuid'),
        ),
        migrations.AddConstraint(
            model_name='photo',
            constraint=models.UniqueConstraint(condition=models.Q(('validity_to__isnull', True)), fields=('uuid',), name='insuree_photo_unique_current_uuid'),
        ),
    ]
