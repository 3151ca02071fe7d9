"""The numeric openIMIS right codes of the insuree module (families, insurees, enquiry)."""

FAMILY_SEARCH = 101001
FAMILY_ADD = 101002
FAMILY_EDIT = 101003
FAMILY_DELETE = 101004
INSUREE_SEARCH = 101101
INSUREE_ADD = 101102
INSUREE_EDIT = 101103
INSUREE_DELETE = 101104
INSUREE_ENQUIRE = 101105

CONFIG_RIGHTS = {
    "gql_query_families_perms": FAMILY_SEARCH,
    "gql_mutation_create_families_perms": FAMILY_ADD,
    "gql_mutation_update_families_perms": FAMILY_EDIT,
    "gql_mutation_delete_families_perms": FAMILY_DELETE,
    "gql_query_insurees_perms": INSUREE_SEARCH,
    "gql_mutation_create_insurees_perms": INSUREE_ADD,
    "gql_mutation_update_insurees_perms": INSUREE_EDIT,
    "gql_mutation_delete_insurees_perms": INSUREE_DELETE,
    "gql_query_insuree_enquire_perms": INSUREE_ENQUIRE,
}
