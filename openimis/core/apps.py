from openimis.core.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig

# frontend module -> (backend module it needs, contributions hidden while that backend is not enabled)
FRONTEND_UNTIL_BACKEND = {
    "fe-insuree": ("insuree", ["core.AppBar"]),
}


class CoreConfig(OpenIMISModuleConfig):
    name = "openimis.core"
    label = "core"
    module_name = "core"
    legacy_tables = "openimis.core.legacy.TABLES"
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

    def frontend_configuration(self) -> dict[str, dict]:
        """Until the backend of a frontend module is enabled, hide what that module puts on every page
        (the insuree enquiry box of the app bar), so that nobody meets a feature that cannot answer."""
        from openimis.modules import module_configs

        enabled = {config.logical_name for config in module_configs()}
        return {frontend: {"hiddenContributions": keys}
                for frontend, (backend, keys) in FRONTEND_UNTIL_BACKEND.items() if backend not in enabled}

    def ready(self):
        super().ready()
        from django.conf import settings

        from openimis.core import lookups

        lookups.register()

        if settings.ENV.db_queries_log_file:
            from django.db.backends.signals import connection_created

            connection_created.connect(_log_every_query, dispatch_uid="openimis-log-queries")


def _log_every_query(sender, connection, **kwargs):
    """DB_QUERIES_LOG_FILE: Django logs SQL only through its debug cursor, so switch it on."""
    connection.force_debug_cursor = True
