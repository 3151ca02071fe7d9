"""Substring search indexes (PostgreSQL only, see openimis.core.db_indexes) for the price list searchers:
`name_Icontains`."""

from django.db import migrations

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("medical_pricelist", "0002_pricelist_details"),
    ]

    operations = [
        AddSubstringSearchIndex("servicespricelist", "name"),
        AddSubstringSearchIndex("itemspricelist", "name"),
    ]
