"""Indexes of the family and insuree lists.

On every database: the default orders over current rows, so that a page is read from an index without
sorting the table (families newest first, insurees by insurance number).
On PostgreSQL only (see openimis.core.db_indexes): `chfId_Istartswith` (also through `headInsuree_`/
`members_`) and `confirmationNo_Istartswith` as prefix searches; `lastName_Icontains`,
`otherNames_Icontains` and `phone_Icontains` as substring searches."""

from django.db import migrations, models

from openimis.core.db_indexes import AddPrefixSearchIndex, AddSubstringSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("insuree", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="family",
            index=models.Index(condition=models.Q(("validity_to__isnull", True)),
                               fields=["-validity_from", "-id"], name="family_current_newest"),
        ),
        migrations.AddIndex(
            model_name="insuree",
            index=models.Index(condition=models.Q(("validity_to__isnull", True)),
                               fields=["chf_id", "-validity_from", "-id"], name="insuree_current_chf_id"),
        ),
        AddPrefixSearchIndex("insuree", "chf_id"),
        AddPrefixSearchIndex("family", "confirmation_no"),
        AddSubstringSearchIndex("insuree", "last_name"),
        AddSubstringSearchIndex("insuree", "other_names"),
        AddSubstringSearchIndex("insuree", "phone"),
    ]
