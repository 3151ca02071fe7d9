from openimis.modules import OpenIMISModuleConfig


class ClaimConfig(OpenIMISModuleConfig):
    name = "openimis.claim"
    label = "claim"
    module_name = "claim"
    legacy_tables = "openimis.claim.legacy.TABLES"
    verbose_name = "openIMIS claims"
    requires = ["core", "location", "insuree", "policy", "medical", "product"]
    # no rights yet: the frontend shows the claim menu only once the module's queries exist
    rights: dict[str, int] = {}
    types = "openimis.claim.gql.types"

    def ready(self):
        super().ready()
        from openimis.claim import selectors, services
        from openimis.core import hooks
        from openimis.core.hook_registry import register
        from openimis.policy import hooks as policy_hooks

        register(hooks.USER_TYPE_SAVED, services.save_claim_admin_of_user)
        register(hooks.USER_DELETED, services.delete_claim_admin_of_user)
        # the deductibles and remunerations of claims: what a policy consumed (the enquiry's ded* and
        # ceiling*) and whether it may be deleted
        register(policy_hooks.POLICY_CONSUMPTION, selectors.consumption)
        register(policy_hooks.POLICY_IN_USE, selectors.policy_in_use)
