from openimis.modules import OpenIMISModuleConfig
from openimis.policy.rights import CONFIG_RIGHTS


class PolicyConfig(OpenIMISModuleConfig):
    name = "openimis.policy"
    label = "policy"
    module_name = "policy"
    verbose_name = "openIMIS policies"
    requires = ["core", "location", "medical", "product", "insuree"]
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
        from openimis.core.hook_registry import register
        from openimis.insuree import hooks as insuree_hooks
        from openimis.policy import hooks, insuree_handlers, renewals

        register(insuree_hooks.CAN_ADD_INSUREE, insuree_handlers.can_add_insuree)
        register(insuree_hooks.INSUREE_ADDED, insuree_handlers.insuree_added)
        register(insuree_hooks.INSUREE_STATUS_ENDED, insuree_handlers.insuree_status_ended)
        register(insuree_hooks.INSUREE_DELETED, insuree_handlers.insuree_deleted)
        register(insuree_hooks.INSUREE_LEFT_FAMILY, insuree_handlers.insuree_left_family)
        register(insuree_hooks.INSUREE_JOINED_FAMILY, insuree_handlers.insuree_joined_family)
        register(hooks.POLICY_RENEWED, renewals.end_reminders)
