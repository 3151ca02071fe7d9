"""Substring search index (PostgreSQL only, see openimis.core.db_indexes) for the payers searcher's
`name_Icontains`."""

from django.db import migrations

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("payer", "0002_funding"),
    ]

    operations = [
        AddSubstringSearchIndex("payer", "name"),
    ]
