from openimis.insuree.rights import CONFIG_RIGHTS
from openimis.modules import OpenIMISModuleConfig


class InsureeConfig(OpenIMISModuleConfig):
    name = "openimis.insuree"
    label = "insuree"
    module_name = "insuree"
    verbose_name = "openIMIS families and insurees"
    requires = ["core", "location"]
    default_config = {
        # insurance number (CHF ID) checks (spec 7.5); None: not checked
        "insuree_number_min_length": None,
        "insuree_number_max_length": None,
        "insuree_number_modulo_root": None,
        # insurees whose number hides them (and their families) from every list: the funding insurees
        "excluded_insuree_chfids": ["999999999"],
        "is_insuree_photo_required": False,
        "insuree_fsp_mandatory": False,  # a first point of service (health facility) is mandatory
        "insurees_export_max_rows": 10000,  # insureesExport refuses a search with more rows
        **{key: [code] for key, code in CONFIG_RIGHTS.items()},
    }
    rights = CONFIG_RIGHTS  # the administrator gets these rights, the frontend shows its menu
    queries = "openimis.insuree.gql.queries.Query"
    mutations = "openimis.insuree.gql.mutations.Mutation"
    types = "openimis.insuree.gql.types"
    legacy_tables = "openimis.insuree.legacy.TABLES"
    root_urls = "openimis.insuree.root_urls"  # /photos/<folder>/<filename>, where fe-insuree asks
