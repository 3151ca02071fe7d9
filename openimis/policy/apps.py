from openimis.modules import OpenIMISModuleConfig
from openimis.policy.rights import CONFIG_RIGHTS


class PolicyConfig(OpenIMISModuleConfig):
    name = "openimis.policy"
    label = "policy"
    module_name = "policy"
    verbose_name = "openIMIS policies"
    requires = ["core", "location", "product", "insuree"]
    default_config = {
        # 1: a policy whose contributions cover its value becomes Active; 2 or 3: it becomes Ready (16)
        "activation_option": 1,
        "policy_renewal_interval": 14,  # days before expiry when a renewal reminder is prepared
        **{key: [code] for key, code in CONFIG_RIGHTS.items()},
    }
    rights = CONFIG_RIGHTS
    queries = "openimis.policy.gql.queries.Query"
    mutations = "openimis.policy.gql.mutations.Mutation"
    types = "openimis.policy.gql.types"
    legacy_tables = "openimis.policy.legacy.TABLES"
    scheduled_jobs = [("openimis.policy.renewals.daily_job", 24 * 60 * 60)]  # renewals, then expiry

    def ready(self):
        super().ready()
        from openimis.policy import insuree_hooks, renewals

        insuree_hooks.register()
        renewals.register()
