from openimis.modules import OpenIMISModuleConfig


class ClaimBatchConfig(OpenIMISModuleConfig):
    name = "openimis.claim_batch"
    label = "claim_batch"
    module_name = "claim_batch"
    verbose_name = "openIMIS claim batch (monthly batch run, relative pricing, capitation)"
    requires = ["core", "location", "medical", "product", "insuree", "policy", "contribution", "claim"]
    default_config: dict = {}
    urls = "openimis.claim_batch.urls"
