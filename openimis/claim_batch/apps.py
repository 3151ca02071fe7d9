from openimis.claim_batch.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class ClaimBatchConfig(OpenIMISModuleConfig):
    name = "openimis.claim_batch"
    label = "claim_batch"
    module_name = "claim_batch"
    verbose_name = "openIMIS claim batch (monthly batch run, relative pricing, capitation)"
    requires = ["core", "location", "medical", "product", "insuree", "policy", "contribution", "claim"]
    default_config: dict = {
        **{key: [code] for key, code in CONFIG_RIGHTS.items()},
        # the day of the month on which the scheduler runs the previous month nationally (None: never)
        "batch_run_day_of_month": None,
        # true: the run keeps the previous state of the claims and lines it changes as history rows, as
        # claim processing does (false: changed in place, as the legacy batch does; twice as fast)
        "batch_run_claim_history": False,
    }
    rights = CONFIG_RIGHTS  # the administrator gets these rights, the frontend its menu
    urls = "openimis.claim_batch.urls"
    queries = "openimis.claim_batch.gql.queries.Query"
    mutations = "openimis.claim_batch.gql.mutations.Mutation"
    types = "openimis.claim_batch.gql.types"
    legacy_tables = "openimis.claim_batch.legacy.TABLES"
    scheduled_jobs = [("openimis.claim_batch.schedule.daily_job", 24 * 60 * 60)]
