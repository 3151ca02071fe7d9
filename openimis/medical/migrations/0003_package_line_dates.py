"""The lines of a package get the moment they are made (`scpDate` / `pcpDate`), as 24.10 gives them."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("medical", "0002_search_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="serviceitem",
            name="pcp_date",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.AlterField(
            model_name="serviceservice",
            name="scp_date",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
    ]
