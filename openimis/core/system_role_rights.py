"""The rights that openIMIS 24.10 gives its system roles on top of the legacy database.

The legacy database (and the official demo dataset taken from it) holds the rights each system role had
in the old application. When openIMIS 24.10 is installed on such a database, the migrations of its modules
change the rights of some system roles (`Role.is_system`, the bit of the role). This is the list of those
changes for the modules openIMIS Lite has, each with the module migration that makes it. It is applied when
legacy tables are loaded (the demo dataset, `legacy.py`) and, once, to a database that already had them
(core migration 0005).

As in 24.10, a right is added only to a role that never had it (a row of any validity counts: a right
the administrator took away stays away), and a right is taken away by ending its current rows.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils import timezone

ENROLMENT_OFFICER = 1
ACCOUNTANT = 4
CLERK = 8
MEDICAL_OFFICER = 16
SCHEME_ADMINISTRATOR = 32
IMIS_ADMINISTRATOR = 64
RECEPTIONIST = 128
CLAIM_ADMINISTRATOR = 256


class RightChange(NamedTuple):
    system_role: int  # Role.is_system
    rights: tuple[int, ...]
    source: str  # the 24.10 module migration that makes the change


# the 24.10 module migrations, by module and name
CORE_MISSING_ROLES = "core 0015_missing_roles"
CORE_REGIONS = "core 0018_create_region_location_role (and location 0010_insert_create_region_location_perms)"
LOCATION_EO = "location 0008_add_enrollment_officer_gql_query_location_right"
LOCATION_READ = "location 0009_add_location_read_right"
PRODUCT_EO = "product 0003_add_enrollment_officer_gql_query_products_perms"
POLICY_MEDICAL_OFFICER = "policy 0004_add_medical_oficer_reading_rights"
PAYER_EO = "payer 0006_add_search_authority_for_eo"
CLAIM_RESTORE = "claim 0024_add_claim_restore_perms"
CLAIM_EO = "claim 0015_prohibit_interaction_for_enrolment_officer"

ADDED = (
    # insuree and family search, enquiry, policy search: what a claim needs to find its insuree
    RightChange(CLAIM_ADMINISTRATOR, (101201, 101101, 101001, 101105), CORE_MISSING_ROLES),
    # creating regions and districts
    RightChange(IMIS_ADMINISTRATOR, (121906,), CORE_REGIONS),
    # location search: whoever reads insurees also reads the locations that filter them
    RightChange(ENROLMENT_OFFICER, (121901,), LOCATION_EO),
    RightChange(ACCOUNTANT, (121901,), LOCATION_READ),
    RightChange(CLERK, (121901,), LOCATION_READ),
    RightChange(RECEPTIONIST, (121901,), LOCATION_READ),
    RightChange(CLAIM_ADMINISTRATOR, (121901,), LOCATION_READ),
    # product search: the enrolment officer picks the product of a policy
    RightChange(ENROLMENT_OFFICER, (121001,), PRODUCT_EO),
    # policy search: the medical officer reads the policies of an insuree
    RightChange(MEDICAL_OFFICER, (101201,), POLICY_MEDICAL_OFFICER),
    # payer search for the enrolment officer; search, add, update (which 24.10 configures as 122103)
    # and delete for the scheme administrator
    RightChange(ENROLMENT_OFFICER, (121801,), PAYER_EO),
    RightChange(SCHEME_ADMINISTRATOR, (121801, 121802, 122103, 121804), PAYER_EO),
    # restoring a rejected claim
    RightChange(IMIS_ADMINISTRATOR, (111012,), CLAIM_RESTORE),
    RightChange(CLAIM_ADMINISTRATOR, (111012,), CLAIM_RESTORE),
)

REMOVED = (
    # the enrolment officer no longer searches claims nor delivers their feedback
    RightChange(ENROLMENT_OFFICER, (111001, 111009), CLAIM_EO),
)


def apply_system_role_rights(role_model, role_right_model) -> int:
    """Make the changes above on the current roles of each system role; returns the number of rows added
    or ended. The models are passed in so that a migration can give its historical ones."""
    now = timezone.now()
    written = 0
    for change in REMOVED:
        written += role_right_model.objects.filter(
            role__is_system=change.system_role, role__validity_to__isnull=True, right_id__in=change.rights,
            validity_to__isnull=True,
        ).update(validity_to=now)
    new_rows = []
    for change in ADDED:
        for role in role_model.objects.filter(is_system=change.system_role, validity_to__isnull=True):
            had = set(role_right_model.objects.filter(role=role, right_id__in=change.rights)
                      .values_list("right_id", flat=True))
            had.update(row.right_id for row in new_rows if row.role_id == role.pk)
            new_rows.extend(role_right_model(role=role, right_id=right_id, validity_from=now)
                            for right_id in change.rights if right_id not in had)
    role_right_model.objects.bulk_create(new_rows)
    return written + len(new_rows)

