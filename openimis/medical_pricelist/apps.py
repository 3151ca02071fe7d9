from openimis.medical_pricelist.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class MedicalPricelistConfig(OpenIMISModuleConfig):
    name = "openimis.medical_pricelist"
    label = "medical_pricelist"
    module_name = "medical_pricelist"
    legacy_tables = "openimis.medical_pricelist.legacy.TABLES"
    verbose_name = "openIMIS medical price lists"
    requires = ["core", "location", "medical"]
    default_config = {key: [code] for key, code in CONFIG_RIGHTS.items()}
    rights = CONFIG_RIGHTS  # the pages work: the administrator gets these rights, the frontend its menus
    queries = "openimis.medical_pricelist.gql.queries.Query"
    mutations = "openimis.medical_pricelist.gql.mutations.Mutation"
    types = "openimis.medical_pricelist.gql.types"

    def ready(self):
        super().ready()
        from openimis.core.hook_registry import register
        from openimis.medical import hooks as medical_hooks
        from openimis.medical import selectors as medical_selectors
        from openimis.medical_pricelist import selectors, services

        medical_selectors.register_pricelist_filter("items", selectors.narrow_to_pricelist("items"))
        medical_selectors.register_pricelist_filter("services", selectors.narrow_to_pricelist("services"))
        register(medical_hooks.ITEM_DELETING, services.refuse_deleting_listed_item)
        register(medical_hooks.SERVICE_DELETING, services.refuse_deleting_listed_service)
