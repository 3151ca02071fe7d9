from openimis.core.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class CoreConfig(OpenIMISModuleConfig):
    name = "openimis.core"
    label = "core"
    module_name = "core"
    verbose_name = "openIMIS core"
    requires: list[str] = []
    default_config = {
        "age_of_majority": 18,
        "currency": "$",
        "username_code_length": 12,
        **{key: [code] for key, code in CONFIG_RIGHTS.items()},
    }
    rights = CONFIG_RIGHTS
    queries = "openimis.core.gql.queries.Query"
    mutations = "openimis.core.gql.mutations.Mutation"
    urls = "openimis.core.urls"
