"""GraphQL types of the claim module, named and shaped as in openIMIS 24.10: the claim with its item and
service lines, feedback, attachments and deductibles, the claim administrator and the batch run a claim
points at. The claim's lines also join the item, service, product and policy types here."""

from __future__ import annotations

import django_filters
import graphene
from django import forms
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from graphene.utils.str_converters import to_snake_case
from graphene_django import DjangoObjectType

from openimis.claim import rights as claim_rights
from openimis.claim import selectors
from openimis.claim.models import (
    BatchRun,
    Claim,
    ClaimAdmin,
    ClaimAttachment,
    ClaimAttachmentType,
    ClaimDedRem,
    ClaimItem,
    ClaimMutation,
    ClaimService,
    Feedback,
)
from openimis.core import selectors as core_selectors
from openimis.core.gql.types import InteractiveUserGQLType
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import (
    EXACT_OR_CONTAINS,
    HISTORY_FIELDS,
    RANGE_LOOKUPS,
    SEARCH_LOOKUPS,
    prefixed,
)
from openimis.graphql.loading import Needs, RelatedRows, declare_relation, prefetched
from openimis.graphql.pending import declare_pending_mutation
from openimis.graphql.rights import is_allowed
from openimis.graphql.types import OpenIMISNodeType
from openimis.insuree.gql.types import INSUREE_FILTER_FIELDS, InsureeGQLType
from openimis.location.gql.types import (
    HEALTH_FACILITY_FILTER_FIELDS,
    LOCATION_FILTER_FIELDS,
    LocationGQLType,
)
from openimis.medical.gql.types import DIAGNOSIS_FILTER_FIELDS, ItemGQLType, ServiceGQLType
from openimis.policy import rights as policy_rights
from openimis.policy import selectors as policy_selectors
from openimis.policy.gql.types import PolicyGQLType
from openimis.product.gql.types import ProductGQLType

READERS = claim_rights.CLAIM_READ

CLAIM_ADMIN_FILTER_FIELDS = {
    "uuid": ["exact"],
    "code": EXACT_OR_CONTAINS,
    "last_name": EXACT_OR_CONTAINS,
    "other_names": EXACT_OR_CONTAINS,
    **prefixed("health_facility__", HEALTH_FACILITY_FILTER_FIELDS),
}

BATCH_RUN_FILTER_FIELDS = {
    "id": ["exact"],
    "run_date": RANGE_LOOKUPS,
    "location": ["isnull"],
    **prefixed("location__", LOCATION_FILTER_FIELDS),
}

CLAIM_FILTER_FIELDS = {
    "uuid": ["exact"],
    "code": SEARCH_LOOKUPS,
    "status": ["exact", "gt"],
    "date_claimed": RANGE_LOOKUPS,
    "date_from": RANGE_LOOKUPS,
    "date_to": RANGE_LOOKUPS,
    "date_processed": RANGE_LOOKUPS,
    "feedback_status": ["exact"],
    "review_status": ["exact"],
    "claimed": RANGE_LOOKUPS,
    "approved": RANGE_LOOKUPS,
    "visit_type": ["exact"],
    "pre_authorization": ["exact"],
    **prefixed("icd__", DIAGNOSIS_FILTER_FIELDS),
    **prefixed("admin__", CLAIM_ADMIN_FILTER_FIELDS),
    **prefixed("health_facility__", HEALTH_FACILITY_FILTER_FIELDS),
    **prefixed("insuree__", INSUREE_FILTER_FIELDS),
    **prefixed("batch_run__", BATCH_RUN_FILTER_FIELDS),
}

ATTACHMENT_FILTER_FIELDS = {
    "id": ["exact"],
    "type": EXACT_OR_CONTAINS,
    "title": EXACT_OR_CONTAINS,
    "date": RANGE_LOOKUPS,
    "filename": EXACT_OR_CONTAINS,
    "mime": EXACT_OR_CONTAINS,
    "general_type": EXACT_OR_CONTAINS,
    "url": EXACT_OR_CONTAINS,
    **prefixed("claim__", CLAIM_FILTER_FIELDS),
}

# 24.10 counts a claim's attachments in a view (`attachmentsCount.value`); here a subquery
ATTACHMENTS_COUNT = "attachments_count__value"


def current_attachment_count():
    """The number of current attachments of the claim of the outer row (a subquery, 0 when none)."""
    counted = (ClaimAttachment.objects.current().filter(claim_id=OuterRef("pk")).order_by()
               .values("claim_id").annotate(number=Count("id")).values("number"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _count_filters(claim_path: str) -> dict:
    """Filters on the attachments count of the claim reached through `claim_path` ("" or "claim__")."""
    def apply(lookup):
        def method(queryset, name, value):
            if value is None:
                return queryset
            if claim_path:
                claims = Claim.objects.annotate(counted=current_attachment_count()).filter(
                    **{f"counted__{lookup}": value}).values("id")
                return queryset.filter(**{f"{claim_path}id__in": claims})
            return queryset.annotate(attachments_counted=current_attachment_count()).filter(
                **{f"attachments_counted__{lookup}": value})
        return method

    filters = {}
    for lookup in RANGE_LOOKUPS:
        name = f"{claim_path}{ATTACHMENTS_COUNT}" + ("" if lookup == "exact" else f"__{lookup}")
        filters[name] = IntegerFilter(method=apply(lookup))
    return filters


ClaimFilter = type("ClaimFilter", (django_filters.FilterSet,), {
    **_count_filters(""),
    "Meta": type("Meta", (), {"model": Claim, "fields": CLAIM_FILTER_FIELDS}),
})

ClaimAttachmentFilter = type("ClaimAttachmentFilter", (django_filters.FilterSet,), {
    **_count_filters("claim__"),
    "Meta": type("Meta", (), {"model": ClaimAttachment, "fields": ATTACHMENT_FILTER_FIELDS}),
})


def claim_filter_data(filters: dict) -> dict:
    """The claims searcher's arguments by filter name: `healthFacility_Location_Uuid` ->
    `health_facility__location__uuid` (fe-claim's "submit all" sends them as a JSON object)."""
    return {"__".join(to_snake_case(part) for part in name.split("_")): value
            for name, value in filters.items()}


class ClaimAdminGQLType(OpenIMISNodeType):
    read_rights = claim_rights.CLAIM_ADMIN_READ + READERS

    class Meta:
        model = ClaimAdmin
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "code", "last_name", "other_names", "dob", "email_id", "phone",
                  "health_facility", "has_login", "user_set", *HISTORY_FIELDS)
        filter_fields = CLAIM_ADMIN_FILTER_FIELDS

    def resolve_user_set(self, info, **kwargs):
        return self.user_set.current()


class BatchRunGQLType(OpenIMISNodeType):
    read_rights = READERS
    audit_user_id = graphene.Int(required=True)

    class Meta:
        model = BatchRun
        interfaces = (graphene.relay.Node,)
        fields = ("id", "location", "run_date", "run_year", "run_month", *HISTORY_FIELDS)
        filter_fields = BATCH_RUN_FILTER_FIELDS

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0


class FeedbackGQLType(DjangoObjectType):
    audit_user_id = graphene.Int(required=True)
    claim = graphene.Field(lambda: ClaimSamplingBatchAssignmentGQLType)

    class Meta:
        model = Feedback
        fields = ("id", "uuid", "claim", "care_rendered", "payment_asked", "drug_prescribed", "drug_received",
                  "asessment", "officer_id", "feedback_date", *HISTORY_FIELDS)

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0


# --- the claim ----------------------------------------------------------------------------------

CLAIM_FIELDS = (
    "json_ext", "id", "uuid", "category", "insuree", "code", "date_from", "date_to", "status", "restore",
    "adjustment", "claimed", "approved", "reinsured", "valuated", "date_claimed", "date_processed",
    "feedback_available", "feedback", "explanation", "feedback_status", "review_status", "approval_status",
    "rejection_reason", "batch_run", "validity_from_review", "validity_to_review", "health_facility",
    "submit_stamp", "process_stamp", "remunerated", "guarantee_id", "admin", "refer_from", "refer_to",
    "icd", "icd_1", "icd_2", "icd_3", "icd_4", "visit_type", "audit_user_id_review", "audit_user_id_submit",
    "audit_user_id_process", "care_type", "pre_authorization", "patient_condition", "referral_code",
    *HISTORY_FIELDS,
)
CURRENT_ITEMS = "current_claim_items"
CURRENT_SERVICES = "current_claim_services"
CURRENT_ATTACHMENTS = "current_claim_attachments"


def _lines(claim, to_attr: str, relation: str):
    rows = prefetched(claim, to_attr)
    if rows is not None:
        return rows
    return getattr(claim, relation).current().order_by("id")


class ClaimFieldsMixin:
    """What the claim's two types share (24.10 serves the claim under two names)."""

    audit_user_id = graphene.Int(required=True)
    # graphene would name the diagnoses `icd_1` -> `icd1` anyway; declared so that the names are sure
    items = graphene.List(graphene.NonNull(lambda: ClaimItemGQLType), required=True)
    services = graphene.List(graphene.NonNull(lambda: ClaimServiceGQLType), required=True)
    attachments = OpenIMISConnectionField(lambda: ClaimAttachmentGQLType, order_by=False,
                                          filterset_class=ClaimAttachmentFilter, required=True)
    adjuster = graphene.Field(InteractiveUserGQLType)
    dedrems = OpenIMISConnectionField(lambda: ClaimDedRemGQLType, order_by=False, required=True)

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0

    def resolve_items(self, info):
        return _lines(self, CURRENT_ITEMS, "items")

    def resolve_services(self, info):
        return _lines(self, CURRENT_SERVICES, "services")

    def resolve_attachments(self, info, **kwargs):
        return self.attachments.current()

    def resolve_dedrems(self, info, **kwargs):
        return self.ded_rems.current()

    def resolve_restore(self, info):
        return self.restore

    def resolve_adjuster(self, info):
        if not self.adjuster:
            return None
        return core_selectors.interactive_users(show_history=True).filter(pk=self.adjuster).first()


class ClaimGQLType(ClaimFieldsMixin, OpenIMISNodeType):
    read_rights = READERS
    node_selector = selectors.claim_by
    attachments_count = graphene.Int()
    client_mutation_id = graphene.String()
    date_processed_to = graphene.Date()
    restore_id = graphene.Int()

    class Meta:
        model = Claim
        interfaces = (graphene.relay.Node,)
        fields = CLAIM_FIELDS
        convert_choices_to_enum = False
        filterset_class = ClaimFilter

    def resolve_attachments_count(self, info):
        rows = prefetched(self, CURRENT_ATTACHMENTS)
        if rows is not None:
            return len(rows)
        return self.attachments.current().count()

    def resolve_date_processed_to(self, info):
        return None  # a filter of 24.10's searcher, never a value

    def resolve_restore_id(self, info):
        return self.restore_id


class ClaimSamplingBatchAssignmentGQLType(ClaimFieldsMixin, OpenIMISNodeType):
    """The claim as 24.10 names it where another row points at a claim (a line's claim, the restored
    claim, a deductible's claim): the claim sampling module registered this second type last."""

    read_rights = READERS
    node_selector = selectors.claim_by

    class Meta:
        model = Claim
        interfaces = (graphene.relay.Node,)
        fields = CLAIM_FIELDS
        convert_choices_to_enum = False
        filterset_class = ClaimFilter


# --- the lines ----------------------------------------------------------------------------------

LINE_FIELDS = (
    "json_ext", "id", "claim", "product", "status", "qty_provided", "qty_approved", "price_asked",
    "price_adjusted", "price_approved", "price_valuated", "explanation", "justification", "rejection_reason",
    "validity_from_review", "validity_to_review", "audit_user_id_review", "limitation_value", "limitation",
    "policy", "remunerated_amount", "deductable_amount", "exceed_ceiling_amount", "price_origin",
    "exceed_ceiling_amount_category", *HISTORY_FIELDS,
)


class ClaimItemGQLType(DjangoObjectType):
    audit_user_id = graphene.Int(required=True)

    class Meta:
        model = ClaimItem
        fields = (*LINE_FIELDS, "item", "availability")
        convert_choices_to_enum = False

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0


class ClaimServiceItemGQLType(graphene.ObjectType):
    """A line of a package service (24.10 `tblClaimServicesItems`); package sub-lines are not kept here,
    so a service shows none."""

    id = graphene.ID(required=True)
    item = graphene.Field(ItemGQLType, required=True)
    claim_service = graphene.Field(lambda: ClaimServiceGQLType, required=True)
    qty_provided = graphene.Int()
    qty_displayed = graphene.Int()
    created_date = graphene.DateTime()
    price_asked = graphene.Decimal()


class ClaimServiceServiceGQLType(graphene.ObjectType):
    """A service of a package service (24.10 `tblClaimServicesService`); see ClaimServiceItemGQLType."""

    id = graphene.ID(required=True)
    service = graphene.Field(ServiceGQLType, required=True)
    claim_service = graphene.Field(lambda: ClaimServiceGQLType, required=True)
    qty_provided = graphene.Int()
    qty_displayed = graphene.Int()
    created_date = graphene.DateTime()
    price_asked = graphene.Decimal()


class ClaimServiceGQLType(DjangoObjectType):
    audit_user_id = graphene.Int(required=True)
    items = graphene.List(graphene.NonNull(ClaimServiceItemGQLType), required=True)
    services = graphene.List(graphene.NonNull(ClaimServiceServiceGQLType), required=True)

    class Meta:
        model = ClaimService
        fields = (*LINE_FIELDS, "service")
        convert_choices_to_enum = False

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0

    def resolve_items(self, info):
        return []

    def resolve_services(self, info):
        return []


# --- attachments --------------------------------------------------------------------------------

class ClaimAttachmentGeneralTypeEnum(graphene.Enum):
    URL = "URL"
    FILE = "FILE"

    class Meta:
        name = "ClaimAttachmentGeneralType"


class ClaimAttachmentTypeClaimGeneralTypeEnum(graphene.Enum):
    URL = "URL"
    FILE = "FILE"

    class Meta:
        name = "ClaimAttachmentTypeClaimGeneralType"


class ClaimAttachmentTypeGQLType(OpenIMISNodeType):
    read_rights = READERS
    claim_general_type = graphene.Field(ClaimAttachmentTypeClaimGeneralTypeEnum, required=True)
    # the attachments of this type (24.10 names the reverse relation so)
    type_dropdown = OpenIMISConnectionField(lambda: ClaimAttachmentGQLType, order_by=False, required=True)

    class Meta:
        model = ClaimAttachmentType
        interfaces = (graphene.relay.Node,)
        fields = ("id", "claim_attachment_type", "is_autogenerated", "claim_general_type", "validity_from",
                  "validity_to", "legacy_id")
        filter_fields = {"id": ["exact"], "claim_general_type": ["exact"]}

    def resolve_type_dropdown(self, info, **kwargs):
        return selectors.attachments(info.context.user).filter(predefined_type=self)

    def resolve_claim_general_type(self, info):
        return ClaimAttachmentTypeClaimGeneralTypeEnum.get(self.claim_general_type)


class ClaimAttachmentGQLType(OpenIMISNodeType):
    read_rights = READERS
    general_type = graphene.Field(ClaimAttachmentGeneralTypeEnum, required=True)
    document = graphene.String()
    doc = graphene.String()

    class Meta:
        model = ClaimAttachment
        interfaces = (graphene.relay.Node,)
        fields = ("id", "validity_from", "validity_to", "legacy_id", "claim", "general_type", "type",
                  "predefined_type", "title", "date", "filename", "mime", "module", "url")
        filterset_class = ClaimAttachmentFilter

    def resolve_general_type(self, info):
        return ClaimAttachmentGeneralTypeEnum.get(self.general_type)

    def resolve_document(self, info):
        return None  # the file downloads from /api/claim/attach?id=; it is never kept in the database

    def resolve_doc(self, info):
        return None

    @classmethod
    def find_node(cls, info, id):
        visible = selectors.claims(info.context.user).values("id")
        return ClaimAttachment.objects.current().filter(pk=id, claim_id__in=visible).first()


# --- deductibles and remunerations --------------------------------------------------------------

class ClaimDedRemGQLType(OpenIMISNodeType):
    read_rights = (policy_rights.POLICY_SEARCH, *READERS)
    audit_user_id = graphene.Int(required=True)  # always set by the claim's processing
    claim = graphene.Field(lambda: ClaimSamplingBatchAssignmentGQLType, required=True)

    class Meta:
        model = ClaimDedRem
        interfaces = (graphene.relay.Node,)
        connection_class = graphene.relay.Connection  # the openIMIS API has no totalCount here
        fields = ("id", "policy", "insuree", "claim", "ded_g", "ded_op", "ded_ip", "rem_g", "rem_op",
                  "rem_ip", "rem_consult", "rem_surgery", "rem_delivery", "rem_hospitalization",
                  "rem_antenatal", *HISTORY_FIELDS)
        filter_fields: dict = {}

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0

    @classmethod
    def find_node(cls, info, id):
        visible = policy_selectors.policies(info.context.user)
        return selectors.current_ded_rems().filter(pk=id, policy__in=visible).first()


# --- what the lists load for the whole page -----------------------------------------------------

for _claim_type in (ClaimGQLType, ClaimSamplingBatchAssignmentGQLType):
    declare_relation(_claim_type, "items", RelatedRows(
        "items", CURRENT_ITEMS, lambda: ClaimItem.objects.current().order_by("id")))
    declare_relation(_claim_type, "services", RelatedRows(
        "services", CURRENT_SERVICES, lambda: ClaimService.objects.current().order_by("id")))
declare_relation(ClaimGQLType, "attachmentsCount", RelatedRows(
    "attachments", CURRENT_ATTACHMENTS, lambda: ClaimAttachment.objects.current().only("id", "claim_id"),
    nodes=False))
declare_relation(ClaimGQLType, "restoreId", Needs(columns=("restore",)))
declare_relation(ClaimGQLType, "dateProcessedTo", Needs(columns=("id",)))
declare_pending_mutation(ClaimGQLType, ClaimMutation, "claim")


# the current rows of a policy (the policy page) and of an insuree; a list of them prefetches them
for _type in (PolicyGQLType, InsureeGQLType):
    extend_type(_type, "claim_ded_rems", OpenIMISConnectionField(ClaimDedRemGQLType, order_by=False,
                                                                 required=True),
                lambda row, info, **kwargs: selectors.ded_rems_of(row))
    declare_relation(_type, "claimDedRems", RelatedRows(
        "claim_ded_rems", selectors.DED_REMS_ATTRIBUTE, lambda: selectors.current_ded_rems().order_by("id")))


def _visible_lines(model, user, **lookups):
    """The current claim lines matching `lookups` whose claim the user may see (none without a claim
    right)."""
    if not is_allowed(user, READERS):
        return model.objects.none()
    visible = selectors.claims(user).values("id")
    return model.objects.current().filter(claim_id__in=visible, **lookups).order_by("id")


# what 24.10 shows of the lines from the other side: an item's and a service's lines, a policy's and a
# product's (only current lines of claims the user may see)
_LINE_LISTS = (
    (ItemGQLType, "claimitem_set", ClaimItem, "item"),
    (ServiceGQLType, "claimservice_set", ClaimService, "service"),
    (PolicyGQLType, "claimitem_set", ClaimItem, "policy"),
    (PolicyGQLType, "claimservice_set", ClaimService, "policy"),
    (ProductGQLType, "claim_items", ClaimItem, "product"),
    (ProductGQLType, "claim_services", ClaimService, "product"),
)
for _target, _name, _model, _owner in _LINE_LISTS:
    _line_type = ClaimItemGQLType if _model is ClaimItem else ClaimServiceGQLType
    extend_type(_target, _name, graphene.List(graphene.NonNull(_line_type), required=True),
                lambda row, info, _model=_model, _owner=_owner: _visible_lines(
                    _model, info.context.user, **{f"{_owner}_id": row.pk}))


# package sub-lines are not kept (see ClaimServiceItemGQLType): an item or service is part of none
extend_type(ItemGQLType, "service_items", graphene.List(graphene.NonNull(ClaimServiceItemGQLType),
                                                        required=True), lambda row, info: [])
extend_type(ServiceGQLType, "service_services", graphene.List(graphene.NonNull(ClaimServiceServiceGQLType),
                                                              required=True), lambda row, info: [])

# the batch runs of a region or district
extend_type(LocationGQLType, "batchrun_set", OpenIMISConnectionField(BatchRunGQLType, order_by=False,
                                                                     required=True),
            lambda row, info, **kwargs: selectors.batch_runs().filter(location_id=row.pk))
