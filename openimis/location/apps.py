from openimis.location.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class LocationConfig(OpenIMISModuleConfig):
    name = "openimis.location"
    label = "location"
    module_name = "location"
    verbose_name = "openIMIS locations"
    requires = ["core"]
    default_config = {"location_types": ["R", "D", "W", "V"], **{k: [v] for k, v in CONFIG_RIGHTS.items()}}
    # The location searches and edits (121901-121906) come with the location pages; until then the module
    # declares no rights, so the frontend shows no location menu that could not answer.
    rights: dict[str, int] = {}
    queries = "openimis.location.gql.queries.Query"
    types = "openimis.location.gql.types"

    def ready(self):
        super().ready()
        from openimis.core import hooks
        from openimis.location import services

        hooks.register(hooks.USER_SAVED, services.save_user_locations)
        hooks.register(hooks.USER_DELETED, services.end_user_locations)
