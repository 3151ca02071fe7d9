from openimis.modules import OpenIMISModuleConfig


class ClaimConfig(OpenIMISModuleConfig):
    name = "openimis.claim"
    label = "claim"
    module_name = "claim"
    legacy_tables = "openimis.claim.legacy.TABLES"
    verbose_name = "openIMIS claims"
    requires = ["core", "location"]
    # no rights yet: the frontend shows the claim menu only once the module's queries exist
    rights: dict[str, int] = {}
    types = "openimis.claim.gql.types"

    def ready(self):
        super().ready()
        from openimis.claim import services
        from openimis.core import hooks

        hooks.register(hooks.USER_TYPE_SAVED, services.save_claim_admin_of_user)
        hooks.register(hooks.USER_DELETED, services.delete_claim_admin_of_user)
