"""The numeric openIMIS right codes of the payment module."""

PAYMENT_SEARCH = 101401
PAYMENT_ADD = 101402
PAYMENT_EDIT = 101403
PAYMENT_DELETE = 101404

CONFIG_RIGHTS = {
    "gql_query_payments_perms": PAYMENT_SEARCH,
    "gql_mutation_create_payments_perms": PAYMENT_ADD,
    "gql_mutation_update_payments_perms": PAYMENT_EDIT,
    "gql_mutation_delete_payments_perms": PAYMENT_DELETE,
}
