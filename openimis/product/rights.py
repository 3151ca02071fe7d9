"""The numeric openIMIS right codes of the product module."""

PRODUCT_SEARCH = 121001
PRODUCT_ADD = 121002
PRODUCT_EDIT = 121003
PRODUCT_DELETE = 121004
PRODUCT_DUPLICATE = 121005

CONFIG_RIGHTS = {
    "gql_query_products_perms": PRODUCT_SEARCH,
    "gql_mutation_products_add_perms": PRODUCT_ADD,
    "gql_mutation_products_edit_perms": PRODUCT_EDIT,
    "gql_mutation_products_delete_perms": PRODUCT_DELETE,
    "gql_mutation_products_duplicate_perms": PRODUCT_DUPLICATE,
}
