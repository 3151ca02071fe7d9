"""The default order of the policies list over current policies (latest enrolment first), on every
database: a page is read from the index without sorting the table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0002_policyrenewal"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="policy",
            index=models.Index(condition=models.Q(("validity_to__isnull", True)),
                               fields=["-enroll_date", "-id"], name="policy_current_newest"),
        ),
    ]
