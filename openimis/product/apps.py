from openimis.modules import OpenIMISModuleConfig
from openimis.product.rights import CONFIG_RIGHTS


class ProductConfig(OpenIMISModuleConfig):
    name = "openimis.product"
    label = "product"
    module_name = "product"
    legacy_tables = "openimis.product.legacy.TABLES"
    verbose_name = "openIMIS insurance products"
    requires = ["core", "location", "medical"]
    default_config = {
        # defaults of a new product item or service line (`limitDefaults`)
        "default_price_origin": "P",
        "default_limit": "C",
        "default_limit_co_insurance_value": 100,
        "default_limit_fixed_value": 0,
        # bounds of the limit values the product form accepts (`pageDisplayRules`)
        "min_limit_value": 0,
        "max_limit_value": 100,
        **{key: [code] for key, code in CONFIG_RIGHTS.items()},
    }
    rights = CONFIG_RIGHTS  # the pages work: the administrator gets these rights, the frontend its menu
    queries = "openimis.product.gql.queries.Query"
    mutations = "openimis.product.gql.mutations.Mutation"
    types = "openimis.product.gql.types"
