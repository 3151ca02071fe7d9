"""GraphQL types of the medical module, named and shaped as in the openIMIS 24.10 API."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType
from graphql_relay import from_global_id

from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.filter_fields import HISTORY_FIELDS, TEXT_LOOKUPS
from openimis.graphql.loading import RelatedRows, declare_relation, only_paging
from openimis.graphql.rights import AUTHENTICATED
from openimis.graphql.types import OpenIMISNodeType
from openimis.medical import rights as medical_rights
from openimis.medical.models import Diagnosis, Item, Service, ServiceItem, ServiceService


def existing_relations(model, names) -> tuple[str, ...]:
    """The reverse relations of `model` that the enabled modules define (price-list details, product
    lines, claim lines): the API shows those whose module is there."""
    present = {field.name for field in model._meta.get_fields()}
    return tuple(name for name in names if name in present)


class PatientCategoriesEnum(graphene.Enum):
    ADULT = "ADULT"
    MINOR = "MINOR"
    MALE = "MALE"
    FEMALE = "FEMALE"

    class Meta:
        name = "PatientCategories"


class ServicePackagetypeEnum(graphene.Enum):
    P = "P"  # package
    S = "S"  # simple service
    F = "F"  # flat-rate package

    class Meta:
        name = "ServicePackagetype"


class ServiceCodeInputType(graphene.String):
    """An item or service code (at most 6 characters; checked by the service)."""

    class Meta:
        name = "ServiceCodeInputType"


ITEM_FILTER_FIELDS = {
    "uuid": ["exact"],
    "code": TEXT_LOOKUPS,
    "name": TEXT_LOOKUPS,
    "package": TEXT_LOOKUPS,
    "type": ["exact"],
}
SERVICE_FILTER_FIELDS = {
    "uuid": ["exact"],
    "code": TEXT_LOOKUPS,
    "name": TEXT_LOOKUPS,
    "type": ["exact"],
    "packagetype": ["exact", "in"],
    "care_type": ["exact"],
    "category": ["exact"],
}
DIAGNOSIS_FILTER_FIELDS = {
    "id": ["exact"],
    "code": TEXT_LOOKUPS,
    "name": TEXT_LOOKUPS,
}


PRICELIST_TYPES = "openimis.medical_pricelist.gql.types"
PRICELIST_DETAILS_ATTRIBUTE = "current_pricelist_details"


def _pk_of(value) -> int | None:
    """A relay ID or a plain number, as the primary key."""
    if value in (None, ""):
        return None
    text = str(value)
    if text.isdigit():
        return int(text)
    try:
        return int(from_global_id(text)[1])
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def pricelist_details_of(instance, kwargs: dict, list_field: str):
    """The current price-list lines of an item or service; answered from the rows the list query
    prefetched for the page (see `_declare_relations`) when only paging and the list are given."""
    prefetched = getattr(instance, PRICELIST_DETAILS_ATTRIBUTE, None)
    wanted = kwargs.get(list_field)
    others = {key: value for key, value in kwargs.items() if key != list_field}
    if prefetched is not None and only_paging(others):
        if wanted is None:
            return prefetched
        pk = _pk_of(wanted)
        return [detail for detail in prefetched if getattr(detail, f"{list_field}_id") == pk]
    return instance.pricelist_details.current()


class ItemGQLType(OpenIMISNodeType):
    read_rights = (medical_rights.ITEM_SEARCH,)
    if "pricelist_details" in existing_relations(Item, ("pricelist_details",)):
        pricelist_details = OpenIMISConnectionField(f"{PRICELIST_TYPES}.ItemsPricelistDetailGQLType",
                                                    order_by=False, required=True)

        def resolve_pricelist_details(self, info, **kwargs):
            return pricelist_details_of(self, kwargs, "items_pricelist")

    class Meta:
        model = Item
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "code", "name", "type", "package", "price", "quantity", "maximum_amount",
                  "care_type", "frequency", "patient_category", "items_services", *HISTORY_FIELDS,
                  *existing_relations(Item, ("pricelist_details", "items", "claimitem_set", "service_items")))
        filter_fields = ITEM_FILTER_FIELDS
        convert_choices_to_enum = False


class ServiceGQLType(OpenIMISNodeType):
    read_rights = (medical_rights.SERVICE_SEARCH,)
    packagetype = graphene.Field(ServicePackagetypeEnum, required=True)
    if "pricelist_details" in existing_relations(Service, ("pricelist_details",)):
        pricelist_details = OpenIMISConnectionField(f"{PRICELIST_TYPES}.ServicesPricelistDetailGQLType",
                                                    order_by=False, required=True)

        def resolve_pricelist_details(self, info, **kwargs):
            return pricelist_details_of(self, kwargs, "services_pricelist")
    audit_user_id = graphene.Int()
    attachments_count = graphene.Int()
    client_mutation_id = graphene.String()

    class Meta:
        model = Service
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "category", "code", "name", "type", "packagetype", "manual_price", "level",
                  "price", "maximum_amount", "care_type", "frequency", "patient_category",
                  "services_services", "serviceservice_set", "services_linked", *HISTORY_FIELDS,
                  *existing_relations(Service, ("pricelist_details", "services", "claimservice_set",
                                                "service_services")))
        filter_fields = SERVICE_FILTER_FIELDS
        convert_choices_to_enum = False

    def resolve_attachments_count(self, info):
        return 0  # claim attachments are not linked to services

    def resolve_client_mutation_id(self, info):
        link = self.mutations.select_related("mutation").order_by("-mutation__request_date_time").first()
        return link.mutation.client_mutation_id if link else None


class ServiceItemGQLType(DjangoObjectType):
    class Meta:
        model = ServiceItem
        fields = ("id", "item", "parent", "qty_provided", "pcp_date", "price_asked", "status")


class ServiceServiceGQLType(DjangoObjectType):
    class Meta:
        model = ServiceService
        fields = ("id", "service", "parent", "qty_provided", "scp_date", "price_asked", "status")


class DiagnosisGQLType(OpenIMISNodeType):
    read_rights = AUTHENTICATED  # the diagnoses have no right of their own

    class Meta:
        model = Diagnosis
        interfaces = (graphene.relay.Node,)
        fields = ("id", "code", "name", *HISTORY_FIELDS)
        filter_fields = DIAGNOSIS_FILTER_FIELDS


def _declare_relations() -> None:
    """What the lists prefetch for the whole page: price-list lines (when that module is there; the
    resolvers narrow them to the asked price list) and the lines of a package."""
    for graphene_type, model, list_field in ((ItemGQLType, Item, "itemsPricelist"),
                                             (ServiceGQLType, Service, "servicesPricelist")):
        if existing_relations(model, ("pricelist_details",)):
            detail_model = model._meta.get_field("pricelist_details").related_model
            declare_relation(graphene_type, "pricelistDetails", RelatedRows(
                "pricelist_details", PRICELIST_DETAILS_ATTRIBUTE,
                lambda detail_model=detail_model: detail_model.objects.current(),
                arguments=frozenset({list_field})))
    declare_relation(ServiceGQLType, "serviceserviceSet",
                     RelatedRows("serviceservice_set", None, ServiceService.objects.all))
    declare_relation(ServiceGQLType, "servicesLinked",
                     RelatedRows("services_linked", None, ServiceItem.objects.all))


_declare_relations()
