"""Substring search indexes (PostgreSQL only, see openimis.core.db_indexes) for the location and health
facility searchers and pickers: `code_Icontains`, `name_Icontains`, and the `str` search of `locationsStr`
and `healthFacilitiesStr` (code or name). The lists' order (`code`) uses the code index of 0001/0002."""

from django.db import migrations

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("location", "0003_location_mutations"),
    ]

    operations = [
        AddSubstringSearchIndex("location", "code"),
        AddSubstringSearchIndex("location", "name"),
        AddSubstringSearchIndex("healthfacility", "code"),
        AddSubstringSearchIndex("healthfacility", "name"),
    ]
