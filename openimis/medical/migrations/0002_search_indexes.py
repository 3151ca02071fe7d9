"""Substring search indexes (PostgreSQL only, see openimis.core.db_indexes) for the medical searchers and
the claim form's pickers: `code_Icontains`, `name_Icontains`, and the `str` search of `medicalItemsStr`,
`medicalServicesStr` and `diagnosesStr` (code or name; the ICD-10 list alone has some 14,000 codes)."""

from django.db import migrations

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("medical", "0001_initial"),
    ]

    operations = [
        AddSubstringSearchIndex("item", "code"),
        AddSubstringSearchIndex("item", "name"),
        AddSubstringSearchIndex("service", "code"),
        AddSubstringSearchIndex("service", "name"),
        AddSubstringSearchIndex("diagnosis", "code"),
        AddSubstringSearchIndex("diagnosis", "name"),
    ]
