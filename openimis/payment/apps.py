from openimis.modules import OpenIMISModuleConfig


class PaymentConfig(OpenIMISModuleConfig):
    name = "openimis.payment"
    label = "payment"
    module_name = "payment"
    verbose_name = "openIMIS payments"
    requires = ["core", "location", "insuree", "product", "policy", "contribution"]
    default_config: dict = {}
