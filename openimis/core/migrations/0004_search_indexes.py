"""Substring search indexes (PostgreSQL only, see openimis.core.db_indexes) for the user and officer
searchers and pickers: `username_Icontains`, `lastName`/`otherNames` of users, the `str` search of
`enrolmentOfficers` and `policyOfficers` (officer code and names)."""

from django.db import migrations

from openimis.core.db_indexes import AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_user_claim_admin_health_facility"),
    ]

    operations = [
        AddSubstringSearchIndex("user", "username"),
        AddSubstringSearchIndex("interactiveuser", "last_name"),
        AddSubstringSearchIndex("interactiveuser", "other_names"),
        AddSubstringSearchIndex("officer", "code"),
        AddSubstringSearchIndex("officer", "last_name"),
        AddSubstringSearchIndex("officer", "other_names"),
    ]
