"""The numeric openIMIS right codes of the medical price-list module."""

SERVICES_PRICELIST_SEARCH = 121201
SERVICES_PRICELIST_ADD = 121202
SERVICES_PRICELIST_EDIT = 121203
SERVICES_PRICELIST_DELETE = 121204
SERVICES_PRICELIST_DUPLICATE = 121205
ITEMS_PRICELIST_SEARCH = 121301
ITEMS_PRICELIST_ADD = 121302
ITEMS_PRICELIST_EDIT = 121303
ITEMS_PRICELIST_DELETE = 121304
ITEMS_PRICELIST_DUPLICATE = 121305

# module configuration keys -> codes (listed by `modulesPermissions`)
CONFIG_RIGHTS = {
    "gql_query_pricelists_medical_services_perms": SERVICES_PRICELIST_SEARCH,
    "gql_mutation_pricelists_medical_services_add_perms": SERVICES_PRICELIST_ADD,
    "gql_mutation_pricelists_medical_services_update_perms": SERVICES_PRICELIST_EDIT,
    "gql_mutation_pricelists_medical_services_delete_perms": SERVICES_PRICELIST_DELETE,
    "gql_mutation_pricelists_medical_services_duplicate_perms": SERVICES_PRICELIST_DUPLICATE,
    "gql_query_pricelists_medical_items_perms": ITEMS_PRICELIST_SEARCH,
    "gql_mutation_pricelists_medical_items_add_perms": ITEMS_PRICELIST_ADD,
    "gql_mutation_pricelists_medical_items_update_perms": ITEMS_PRICELIST_EDIT,
    "gql_mutation_pricelists_medical_items_delete_perms": ITEMS_PRICELIST_DELETE,
    "gql_mutation_pricelists_medical_items_duplicate_perms": ITEMS_PRICELIST_DUPLICATE,
}
