from openimis.contribution.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class ContributionConfig(OpenIMISModuleConfig):
    name = "openimis.contribution"
    label = "contribution"
    module_name = "contribution"
    verbose_name = "openIMIS contributions (premiums)"
    requires = ["core", "insuree", "policy", "payer"]
    default_config = {**{key: [code] for key, code in CONFIG_RIGHTS.items()}}
    rights = CONFIG_RIGHTS
    queries = "openimis.contribution.gql.queries.Query"
    mutations = "openimis.contribution.gql.mutations.Mutation"
    types = "openimis.contribution.gql.types"
    legacy_tables = "openimis.contribution.legacy.TABLES"

    def ready(self):
        super().ready()
        from openimis.contribution import selectors, services
        from openimis.core.hook_registry import register
        from openimis.policy import hooks as policy_hooks

        register(policy_hooks.POLICY_PAID, services.pay_policy)
        register(policy_hooks.ANNOTATE_POLICIES, selectors.annotate_sum_premiums)
