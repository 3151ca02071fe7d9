from openimis.modules import OpenIMISModuleConfig


class MedicalConfig(OpenIMISModuleConfig):
    name = "openimis.medical"
    label = "medical"
    module_name = "medical"
    verbose_name = "openIMIS medical items, services and diagnoses"
    requires = ["core"]
    # no rights yet: the frontend shows the medical menus only once the module's pages work
    rights: dict[str, int] = {}
