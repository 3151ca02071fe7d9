from openimis.modules import OpenIMISModuleConfig


class MedicalPricelistConfig(OpenIMISModuleConfig):
    name = "openimis.medical_pricelist"
    label = "medical_pricelist"
    module_name = "medical_pricelist"
    verbose_name = "openIMIS medical price lists"
    requires = ["core", "location"]
    # no rights yet: the frontend shows the price-list menu only once the module's queries exist
    rights: dict[str, int] = {}
    types = "openimis.medical_pricelist.gql.types"
