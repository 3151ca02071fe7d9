from openimis.core.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig

# frontend module -> (backend module it needs, its contributions hidden while that backend does not serve
# queries). The insuree enquiry of the app bar opens a dialog that reads policies and eligibility; the
# policy, contribution and claim panels of the family and insuree pages read their own modules' queries.
FRONTEND_UNTIL_BACKEND = {
    "fe-insuree": ("policy", ["core.AppBar"]),
    "fe-policy": ("policy", ["insuree.EnquiryDialog", "insuree.FamilyOverview.panels",
                             "insuree.FamilyOverview.mutations", "insuree.ProfilePage.insureePolicies"]),
    "fe-contribution": ("contribution", ["insuree.FamilyOverview.panels"]),
    "fe-claim": ("claim", ["insuree.ProfilePage.insureeClaims"]),
    # the payments of a family's contributions (paymentsByPremiums)
    "fe-payment": ("payment", ["insuree.FamilyOverview.panels"]),
    # the Tools menu leads to reports, registers and extracts, which the report and tools modules serve
    "fe-tools": ("report", ["core.MainMenu"]),
}
# frontend module -> (backend module, routes of its pages that say "not available" while the backend
# does not serve queries): a bookmarked or typed address shows that instead of a failing page
ROUTES_UNTIL_BACKEND = {
    "fe-tools": ("report", ["tools/reports", "tools/registers", "tools/extracts"]),
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
        # the user form's field controls (`userObligatoryFields`, `eoObligatoryFields`): field -> "M"
        # (mandatory); openIMIS ships them empty, so every field is optional until configured
        "fields_controls_user": {},
        "fields_controls_eo": {},
        **{key: [code] for key, code in CONFIG_RIGHTS.items()},
    }
    rights = CONFIG_RIGHTS
    queries = "openimis.core.gql.queries.Query"
    mutations = "openimis.core.gql.mutations.Mutation"
    urls = "openimis.core.urls"
    # mutation logs a stopped process left at 0 are marked failed ("interrupted")
    scheduled_jobs = [("openimis.core.stale_mutations.scheduled_job", 60)]

    def frontend_configuration(self) -> dict[str, dict]:
        """Until the backend a frontend module needs serves queries, hide what that module puts on pages
        that work already (the insuree enquiry box of the app bar, the policy panels of the family page),
        so that nobody meets a feature that cannot answer. A module enabled for its tables only (claim, for
        now) does not count."""
        from openimis.modules import module_configs

        enabled = {config.logical_name for config in module_configs() if config.queries}
        configuration: dict[str, dict] = {}
        for frontend, (backend, keys) in FRONTEND_UNTIL_BACKEND.items():
            if backend not in enabled:
                configuration.setdefault(frontend, {})["hiddenContributions"] = keys
        for frontend, (backend, routes) in ROUTES_UNTIL_BACKEND.items():
            if backend not in enabled:
                configuration.setdefault(frontend, {})["unavailableRoutes"] = routes
        return configuration

    def ready(self):
        super().ready()
        from django.conf import settings

        # table_versions connects to the database signals when imported
        from openimis.core import lookups, table_versions  # noqa: F401

        lookups.register()

        if settings.ENV.db_queries_log_file:
            from django.db.backends.signals import connection_created

            connection_created.connect(_log_every_query, dispatch_uid="openimis-log-queries")


def _log_every_query(sender, connection, **kwargs):
    """DB_QUERIES_LOG_FILE: Django logs SQL only through its debug cursor, so switch it on."""
    connection.force_debug_cursor = True
