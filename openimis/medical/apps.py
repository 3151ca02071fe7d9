from openimis.medical.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class MedicalConfig(OpenIMISModuleConfig):
    name = "openimis.medical"
    label = "medical"
    module_name = "medical"
    legacy_tables = "openimis.medical.legacy.TABLES"
    verbose_name = "openIMIS medical items, services and diagnoses"
    requires = ["core"]
    default_config = {key: [code] for key, code in CONFIG_RIGHTS.items()}
    rights = CONFIG_RIGHTS  # the pages work: the administrator gets these rights, the frontend its menus
    queries = "openimis.medical.gql.queries.Query"
    mutations = "openimis.medical.gql.mutations.Mutation"
    types = "openimis.medical.gql.types"
