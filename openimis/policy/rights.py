"""The numeric openIMIS right codes of the policy module."""

POLICY_SEARCH = 101201
POLICY_ADD = 101202
POLICY_EDIT = 101203  # also suspends
POLICY_DELETE = 101204
POLICY_RENEW = 101205

CONFIG_RIGHTS = {
    "gql_query_policies_perms": POLICY_SEARCH,
    "gql_mutation_create_policies_perms": POLICY_ADD,
    "gql_mutation_edit_policies_perms": POLICY_EDIT,
    "gql_mutation_delete_policies_perms": POLICY_DELETE,
    "gql_mutation_renew_policies_perms": POLICY_RENEW,
    "gql_mutation_suspend_policies_perms": POLICY_EDIT,
}
