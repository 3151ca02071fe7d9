"""The numeric openIMIS right codes of the contribution module."""

PREMIUM_SEARCH = 101301
PREMIUM_ADD = 101302
PREMIUM_EDIT = 101303
PREMIUM_DELETE = 101304

CONFIG_RIGHTS = {
    "gql_query_premiums_perms": PREMIUM_SEARCH,
    "gql_mutation_create_premiums_perms": PREMIUM_ADD,
    "gql_mutation_update_premiums_perms": PREMIUM_EDIT,
    "gql_mutation_delete_premiums_perms": PREMIUM_DELETE,
}
