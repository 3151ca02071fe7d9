"""The numeric openIMIS right codes of the location module."""

LOCATION_SEARCH = 121901
LOCATION_ADD = 121902
LOCATION_EDIT = 121903
LOCATION_DELETE = 121904
LOCATION_MOVE = 121905
REGION_DISTRICT_EDIT = 121906  # create, edit (and, in the frontend, delete or move) regions and districts

HEALTH_FACILITY_SEARCH = 121101
HEALTH_FACILITY_ADD = 121102
HEALTH_FACILITY_EDIT = 121103
HEALTH_FACILITY_DELETE = 121104
# who reads every facility in reach (the others read their own facility only)
HEALTH_FACILITY_READ = (HEALTH_FACILITY_SEARCH, HEALTH_FACILITY_ADD, HEALTH_FACILITY_EDIT,
                        HEALTH_FACILITY_DELETE)

CONFIG_RIGHTS = {
    "gql_query_locations_perms": LOCATION_SEARCH,
    "gql_mutation_create_locations_perms": LOCATION_ADD,
    "gql_mutation_edit_locations_perms": LOCATION_EDIT,
    "gql_mutation_delete_locations_perms": LOCATION_DELETE,
    "gql_mutation_move_location_perms": LOCATION_MOVE,
    "gql_mutation_create_region_locations_perms": REGION_DISTRICT_EDIT,
    "gql_query_health_facilities_perms": HEALTH_FACILITY_SEARCH,
    "gql_mutation_create_health_facilities_perms": HEALTH_FACILITY_ADD,
    "gql_mutation_edit_health_facilities_perms": HEALTH_FACILITY_EDIT,
    "gql_mutation_delete_health_facilities_perms": HEALTH_FACILITY_DELETE,
}
