"""Indexes of the premiums lists and receipts.

On every database: the default order over current premiums (latest payment first), and the receipt of
current premiums (unique per product; new receipts are numbered per prefix with `receipt__startswith`,
which the pattern operator class lets PostgreSQL answer from the index whatever the collation; other
databases ignore the operator class).
On PostgreSQL only (see openimis.core.db_indexes): `receipt_Icontains` as a substring search."""

from django.db import migrations, models

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("contribution", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="premium",
            index=models.Index(condition=models.Q(("validity_to__isnull", True)), fields=["-pay_date", "-id"],
                               name="premium_current_newest"),
        ),
        migrations.AddIndex(
            model_name="premium",
            index=models.Index(condition=models.Q(("validity_to__isnull", True)), fields=["receipt"],
                               name="premium_current_receipt", opclasses=["varchar_pattern_ops"]),
        ),
        AddSubstringSearchIndex("premium", "receipt"),
    ]
