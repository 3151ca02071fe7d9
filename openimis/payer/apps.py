from openimis.modules import OpenIMISModuleConfig
from openimis.payer.rights import CONFIG_RIGHTS


class PayerConfig(OpenIMISModuleConfig):
    name = "openimis.payer"
    label = "payer"
    module_name = "payer"
    verbose_name = "openIMIS payers"
    requires = ["core", "location", "product"]
    default_config = {**{key: [code] for key, code in CONFIG_RIGHTS.items()}}
    rights = CONFIG_RIGHTS  # the pages work: the administrator gets these rights, the frontend its menu
    queries = "openimis.payer.gql.queries.Query"
    mutations = "openimis.payer.gql.mutations.Mutation"
    types = "openimis.payer.gql.types"
    legacy_tables = "openimis.payer.legacy.TABLES"
