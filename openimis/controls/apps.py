from openimis.modules import OpenIMISModuleConfig


class ControlsConfig(OpenIMISModuleConfig):
    """The `controls` module of openIMIS 24.10: the field controls the mobile enrolment app reads first
    (`control`), and its enrolment of a whole family in one mutation (`mobileEnrollment`)."""

    name = "openimis.controls"
    label = "controls"
    module_name = "controls"
    verbose_name = "openIMIS field controls and mobile enrolment"
    requires = ["core", "insuree", "policy", "contribution"]
    queries = "openimis.controls.gql.queries.Query"
    mutations = "openimis.controls.gql.mutations.Mutation"
    types = "openimis.controls.gql.types"
    legacy_tables = "openimis.controls.legacy.TABLES"
