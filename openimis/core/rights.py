"""The numeric openIMIS right codes of the core module, as named constants."""

USER_SEARCH = 121701
USER_ADD = 121702
USER_EDIT = 121703
USER_DELETE = 121704

ENROLMENT_OFFICER_SEARCH = 121501
ENROLMENT_OFFICER_ADD = 121502
ENROLMENT_OFFICER_EDIT = 121503
ENROLMENT_OFFICER_DELETE = 121504

ROLE_MENU = 122000
ROLE_SEARCH = 122001
ROLE_ADD = 122002
ROLE_EDIT = 122003
ROLE_DELETE = 122004
ROLE_DUPLICATE = 122005

IMIS_ADMIN_SYSTEM_ROLE = 64

# module configuration keys -> codes (listed by `modulesPermissions`, overridable by configuration)
CONFIG_RIGHTS = {
    "gql_query_users_perms": USER_SEARCH,
    "gql_mutation_create_users_perms": USER_ADD,
    "gql_mutation_update_users_perms": USER_EDIT,
    "gql_mutation_delete_users_perms": USER_DELETE,
    "gql_query_enrolment_officers_perms": ENROLMENT_OFFICER_SEARCH,
    "gql_mutation_create_enrolment_officers_perms": ENROLMENT_OFFICER_ADD,
    "gql_mutation_update_enrolment_officers_perms": ENROLMENT_OFFICER_EDIT,
    "gql_mutation_delete_enrolment_officers_perms": ENROLMENT_OFFICER_DELETE,
    "gql_query_roles_perms": ROLE_SEARCH,
    "gql_mutation_create_roles_perms": ROLE_ADD,
    "gql_mutation_update_roles_perms": ROLE_EDIT,
    "gql_mutation_delete_roles_perms": ROLE_DELETE,
    "gql_mutation_duplicate_roles_perms": ROLE_DUPLICATE,
}

# The system roles of openIMIS (value of Role.is_system) and their names.
SYSTEM_ROLES = {
    1: "Enrolment Officer",
    2: "Manager",
    4: "Accountant",
    8: "Clerk",
    16: "Medical Officer",
    32: "Scheme Administrator",
    64: "IMIS Administrator",
    128: "Receptionist",
    256: "Claim Administrator",
    512: "Claim Contributor",
    524288: "HF Administrator",
    1048576: "Offline Administrator",
}
