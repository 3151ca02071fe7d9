"""An index of the mutation logs still at 0 (received), by the time they were received: the stale-log
job (`openimis.core.stale_mutations`) reads them every minute and at each start of the server, and
without it scanned the whole log."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_unique_current_codes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="mutationlog",
            index=models.Index(condition=models.Q(status=0), fields=["request_date_time"],
                               name="core_mutationlog_received"),
        ),
    ]
