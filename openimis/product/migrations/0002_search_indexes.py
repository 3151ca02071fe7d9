"""Substring search indexes (PostgreSQL only, see openimis.core.db_indexes) for the product searcher and
pickers: `code_Icontains`, `name_Icontains` and `search` (code or name)."""

from django.db import migrations

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("product", "0001_initial"),
    ]

    operations = [
        AddSubstringSearchIndex("product", "code"),
        AddSubstringSearchIndex("product", "name"),
    ]
