from openimis.modules import OpenIMISModuleConfig
from openimis.payment.rights import CONFIG_RIGHTS


class PaymentConfig(OpenIMISModuleConfig):
    name = "openimis.payment"
    label = "payment"
    module_name = "payment"
    verbose_name = "openIMIS payments"
    requires = ["core", "location", "insuree", "product", "policy", "contribution"]
    default_config = {**{key: [code] for key, code in CONFIG_RIGHTS.items()}}
    rights = CONFIG_RIGHTS  # the administrator gets these rights, the frontend shows the Payments menu
    queries = "openimis.payment.gql.queries.Query"
    mutations = "openimis.payment.gql.mutations.Mutation"
    types = "openimis.payment.gql.types"
    legacy_tables = "openimis.payment.legacy.TABLES"
