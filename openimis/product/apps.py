from openimis.modules import OpenIMISModuleConfig


class ProductConfig(OpenIMISModuleConfig):
    name = "openimis.product"
    label = "product"
    module_name = "product"
    verbose_name = "openIMIS insurance products"
    requires = ["core", "location", "medical"]
    # no rights yet: the frontend shows the product menu only once the module's pages work
    rights: dict[str, int] = {}
