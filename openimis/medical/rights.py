"""The numeric openIMIS right codes of the medical module."""

SERVICE_SEARCH = 121401
SERVICE_ADD = 121402
SERVICE_EDIT = 121403
SERVICE_DELETE = 121404
ITEM_SEARCH = 122101
ITEM_ADD = 122102
ITEM_EDIT = 122103
ITEM_DELETE = 122104

# module configuration keys -> codes (listed by `modulesPermissions`)
CONFIG_RIGHTS = {
    "gql_query_medical_services_perms": SERVICE_SEARCH,
    "gql_mutation_medical_services_add_perms": SERVICE_ADD,
    "gql_mutation_medical_services_update_perms": SERVICE_EDIT,
    "gql_mutation_medical_services_delete_perms": SERVICE_DELETE,
    "gql_query_medical_items_perms": ITEM_SEARCH,
    "gql_mutation_medical_items_add_perms": ITEM_ADD,
    "gql_mutation_medical_items_update_perms": ITEM_EDIT,
    "gql_mutation_medical_items_delete_perms": ITEM_DELETE,
}
