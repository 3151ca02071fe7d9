"""Root queries of the medical module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import graphene

from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import AUTHENTICATED
from openimis.medical import rights as medical_rights
from openimis.medical import selectors
from openimis.medical.gql.types import DiagnosisGQLType, ItemGQLType, ServiceGQLType

SEARCH_ITEMS = (medical_rights.ITEM_SEARCH,)
SEARCH_SERVICES = (medical_rights.SERVICE_SEARCH,)


def _history_allowed(info, kwargs: dict, search_rights: tuple) -> bool:
    """`showHistory` is honoured for the holders of the search right only (others get the current rows)."""
    return bool(kwargs.get("show_history")) and info.context.user.has_any_right(search_rights)


class Query(graphene.ObjectType):
    medical_items = OpenIMISConnectionField(
        ItemGQLType, client_mutation_id=graphene.String(), show_history=graphene.Boolean(),
        pricelist_uuid=graphene.UUID())
    medical_items_str = OpenIMISConnectionField(
        ItemGQLType, str=graphene.String(), date=graphene.Date(), pricelist_uuid=graphene.UUID())
    medical_services = OpenIMISConnectionField(
        ServiceGQLType, client_mutation_id=graphene.String(), show_history=graphene.Boolean(),
        pricelist_uuid=graphene.UUID())
    medical_services_str = OpenIMISConnectionField(
        ServiceGQLType, str=graphene.String(), date=graphene.Date(), pricelist_uuid=graphene.UUID())
    diagnoses = OpenIMISConnectionField(DiagnosisGQLType, order_by=False)
    diagnoses_str = OpenIMISConnectionField(DiagnosisGQLType, order_by=False, str=graphene.String())
    validate_item_code = graphene.Boolean(item_code=graphene.String(required=True))
    validate_service_code = graphene.Boolean(service_code=graphene.String(required=True))

    field_rights = {
        # As in 24.10 (OMT-281), any logged-in user may list items and services (an enrolment officer
        # reads them, and so do the claim and product pickers); the history needs the search right.
        "medicalItems": AUTHENTICATED,
        "medicalItemsStr": AUTHENTICATED,
        "medicalServices": AUTHENTICATED,
        "medicalServicesStr": AUTHENTICATED,
        "diagnoses": AUTHENTICATED,
        "diagnosesStr": AUTHENTICATED,
        "validateItemCode": SEARCH_ITEMS,
        "validateServiceCode": SEARCH_SERVICES,
    }

    def resolve_medical_items(self, info, **kwargs):
        return selectors.items(
            show_history=_history_allowed(info, kwargs, SEARCH_ITEMS),
            pricelist_uuid=kwargs.get("pricelist_uuid"),
            client_mutation_id=kwargs.get("client_mutation_id"))

    def resolve_medical_items_str(self, info, **kwargs):
        return selectors.items_matching(kwargs.get("str"), kwargs.get("date"), kwargs.get("pricelist_uuid"))

    def resolve_medical_services(self, info, **kwargs):
        return selectors.services(
            show_history=_history_allowed(info, kwargs, SEARCH_SERVICES),
            pricelist_uuid=kwargs.get("pricelist_uuid"),
            client_mutation_id=kwargs.get("client_mutation_id"))

    def resolve_medical_services_str(self, info, **kwargs):
        return selectors.services_matching(kwargs.get("str"), kwargs.get("date"),
                                           kwargs.get("pricelist_uuid"))

    def resolve_diagnoses(self, info, **kwargs):
        return selectors.diagnoses()

    def resolve_diagnoses_str(self, info, **kwargs):
        return selectors.diagnoses_matching(kwargs.get("str"))

    def resolve_validate_item_code(self, info, item_code):
        return selectors.item_code_is_free(item_code)

    def resolve_validate_service_code(self, info, service_code):
        return selectors.service_code_is_free(service_code)
