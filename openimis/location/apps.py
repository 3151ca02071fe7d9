from openimis.location.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class LocationConfig(OpenIMISModuleConfig):
    name = "openimis.location"
    label = "location"
    module_name = "location"
    legacy_tables = "openimis.location.legacy.TABLES"
    verbose_name = "openIMIS locations"
    requires = ["core"]
    default_config = {
        "location_types": ["R", "D", "W", "V"],
        "health_facility_contract_dates_mandatory": False,
        **{k: [v] for k, v in CONFIG_RIGHTS.items()},
    }
    # the Locations and Health facilities pages work: the administrator's menus show them
    rights = CONFIG_RIGHTS
    queries = "openimis.location.gql.queries.Query"
    mutations = "openimis.location.gql.mutations.Mutation"
    types = "openimis.location.gql.types"

    def ready(self):
        super().ready()
        from openimis.core import hooks
        from openimis.core.hook_registry import register
        from openimis.location import services

        register(hooks.USER_SAVED, services.save_user_locations)
        register(hooks.USER_DELETED, services.end_user_locations)
