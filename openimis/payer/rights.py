"""The numeric openIMIS right codes of the payer module."""

PAYER_SEARCH = 121801
PAYER_ADD = 121802
# The 24.10 backend configures the update right as 122103 (a code of another range, spec 10 [quirk]);
# the pinned frontend (fe-payer 1.7) opens the payer page for editing with 121803 (RIGHT_PAYERS_EDIT),
# as the legacy application did. We keep 121803, so that a role holding "edit payer" can save its changes.
PAYER_EDIT = 121803
PAYER_DELETE = 121804

CONFIG_RIGHTS = {
    "gql_query_payers_perms": PAYER_SEARCH,
    "gql_mutation_payer_add_perms": PAYER_ADD,
    "gql_mutation_payer_update_perms": PAYER_EDIT,
    "gql_mutation_payer_delete_perms": PAYER_DELETE,
}
