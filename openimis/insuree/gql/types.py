"""GraphQL types of the insuree module, named and shaped as in openIMIS 24.10 (the relations to
policies, claims and policy holders come with those modules)."""

from __future__ import annotations

import base64

import django_filters
import graphene
from graphene_django import DjangoObjectType
from graphene_django.filter import DjangoFilterConnectionField

from openimis.core.gql.types import MutationLogGQLType
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import HISTORY_FIELDS, SEARCH_LOOKUPS, prefixed
from openimis.graphql.kept_rows import keep_rows
from openimis.graphql.loading import Needs, RelatedRows, declare_relation
from openimis.graphql.pending import declare_pending_mutation
from openimis.graphql.rights import AUTHENTICATED
from openimis.graphql.text_lengths import long_text
from openimis.graphql.types import OpenIMISNodeType
from openimis.insuree import rights as insuree_rights
from openimis.insuree import selectors
from openimis.insuree.models import (
    ConfirmationType,
    Education,
    Family,
    FamilyMutation,
    FamilyType,
    Gender,
    IdentificationType,
    Insuree,
    InsureeMutation,
    InsureeStatusReason,
    Photo,
    Profession,
    Relation,
)
from openimis.insuree.services import stored_photo_bytes
from openimis.location.gql.types import (
    LOCATION_FILTER_FIELDS,
    HealthFacilityGQLType,
    LocationGQLType,
)

DATE_LOOKUPS = ["exact", "lt", "lte", "gt", "gte", "isnull"]

INSUREE_FILTER_FIELDS = {
    "uuid": ["exact", "iexact"],
    "chf_id": SEARCH_LOOKUPS,
    "last_name": SEARCH_LOOKUPS,
    "other_names": SEARCH_LOOKUPS,
    "email": [*SEARCH_LOOKUPS, "isnull"],
    "phone": [*SEARCH_LOOKUPS, "isnull"],
    "dob": DATE_LOOKUPS,
    "head": ["exact"],
    "passport": [*SEARCH_LOOKUPS, "isnull"],
    "gender__code": ["exact"],
    "marital": ["exact", "isnull"],
    "status": ["exact"],
    "validity_from": DATE_LOOKUPS,
    "validity_to": DATE_LOOKUPS,
    "photo__id": ["exact"],
    "photo": ["isnull"],
    "family": ["isnull"],
}

FAMILY_FILTER_FIELDS = {
    "uuid": ["exact", "iexact"],
    "poverty": ["exact", "isnull"],
    "confirmation_no": SEARCH_LOOKUPS,
    "confirmation_type": ["exact"],
    "family_type": ["exact"],
    "address": SEARCH_LOOKUPS,
    "ethnicity": ["exact"],
    "is_offline": ["exact"],
    **prefixed("location__", LOCATION_FILTER_FIELDS),
    **prefixed("head_insuree__", INSUREE_FILTER_FIELDS),
    **prefixed("members__", INSUREE_FILTER_FIELDS),
}
MEMBERS = "members__"


class InsureeStatusEnum(graphene.Enum):
    AC = "AC"
    IN = "IN"
    DE = "DE"

    class Meta:
        name = "InsureeStatus"


class InsureeFilter(django_filters.FilterSet):
    class Meta:
        model = Insuree
        fields = INSUREE_FILTER_FIELDS


class FamilyFilter(django_filters.FilterSet):
    """The `members_*` filters match a family when one of its *current* members matches all of them."""

    class Meta:
        model = Family
        fields = FAMILY_FILTER_FIELDS

    def filter_queryset(self, queryset):
        member_lookups = {}
        for name, value in self.form.cleaned_data.items():
            if not name.startswith(MEMBERS):
                queryset = self.filters[name].filter(queryset, value)
            elif value not in (None, "", [], ()):
                member_lookups[name[len(MEMBERS) :]] = value
        if member_lookups:
            members = selectors.current_insurees().filter(**member_lookups).values("family_id")
            queryset = queryset.filter(id__in=members)
        return queryset


def _current(related_manager):
    """The current rows of a relation (the history rows point to the same code or location)."""
    return related_manager.current()


# --- code lists ---------------------------------------------------------------------------------


class GenderGQLType(DjangoObjectType):
    class Meta:
        model = Gender
        fields = ("code", "gender", "alt_language", "sort_order", "insurees")

    def resolve_insurees(self, info, **kwargs):
        return _current(self.insurees)


class FamilyTypeGQLType(DjangoObjectType):
    class Meta:
        model = FamilyType
        fields = ("code", "type", "sort_order", "alt_language", "families")

    def resolve_families(self, info, **kwargs):
        return _current(self.families)


class ConfirmationTypeGQLType(DjangoObjectType):
    class Meta:
        model = ConfirmationType
        fields = (
            "code",
            "confirmationtype",
            "sort_order",
            "alt_language",
            "is_confirmation_number_required",
            "families",
        )

    def resolve_families(self, info, **kwargs):
        return _current(self.families)


class RelationGQLType(DjangoObjectType):
    id = graphene.Int(required=True)

    class Meta:
        model = Relation
        fields = ("id", "relation", "sort_order", "alt_language", "insurees")

    def resolve_insurees(self, info, **kwargs):
        return _current(self.insurees)


class ProfessionGQLType(DjangoObjectType):
    id = graphene.Int(required=True)

    class Meta:
        model = Profession
        fields = ("id", "profession", "sort_order", "alt_language", "insurees")

    def resolve_insurees(self, info, **kwargs):
        return _current(self.insurees)


class EducationGQLType(DjangoObjectType):
    id = graphene.Int(required=True)

    class Meta:
        model = Education
        fields = ("id", "education", "sort_order", "alt_language")


class IdentificationTypeGQLType(DjangoObjectType):
    class Meta:
        model = IdentificationType
        fields = ("code", "identification_type", "alt_language", "sort_order", "insuree_set")

    def resolve_insuree_set(self, info, **kwargs):
        return _current(self.insuree_set)


class InsureeStatusReasonGQLType(OpenIMISNodeType):
    read_rights = AUTHENTICATED

    class Meta:
        model = InsureeStatusReason
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "insuree_status_reason",
            "code",
            "status_type",
            "validity_from",
            "validity_to",
            "legacy_id",
            "insurees",
        )
        filter_fields = {
            "code": ["exact"],
            "insuree_status_reason": ["exact", "icontains", "istartswith"],
            "status_type": ["exact"],
        }

    def resolve_insurees(self, info, **kwargs):
        return _current(self.insurees)


# --- photos, insurees, families ------------------------------------------------------------------


class PhotoGQLType(DjangoObjectType):
    """`photo` is the base64 content: read from the stored file, or kept in the row."""

    officer_id = graphene.Int()

    class Meta:
        model = Photo
        fields = (
            "validity_from",
            "validity_to",
            "legacy_id",
            "id",
            "uuid",
            "insuree",
            "chf_id",
            "folder",
            "filename",
            "photo",
            "officer_id",
            "date",
            "audit_user_id",
        )

    def resolve_photo(self, info):
        content = stored_photo_bytes(self)
        return base64.b64encode(content).decode() if content is not None else self.photo


class InsureeGQLType(OpenIMISNodeType):
    read_rights = (
        insuree_rights.INSUREE_SEARCH,
        insuree_rights.INSUREE_ENQUIRE,
        insuree_rights.FAMILY_SEARCH,
    )
    node_selector = selectors.insuree_by
    status = graphene.Field(InsureeStatusEnum)
    card_issued = graphene.Boolean()
    age = graphene.Int()
    client_mutation_id = graphene.String()

    class Meta:
        model = Insuree
        interfaces = (graphene.relay.Node,)
        fields = (
            "json_ext",
            "id",
            "uuid",
            "family",
            "chf_id",
            "last_name",
            "other_names",
            "gender",
            "dob",
            "head",
            "marital",
            "passport",
            "phone",
            "email",
            "current_address",
            "geolocation",
            "current_village",
            "photo",
            "photo_date",
            "card_issued",
            "relationship",
            "profession",
            "education",
            "type_of_id",
            "health_facility",
            "offline",
            "status",
            "status_date",
            "status_reason",
            "photos",
            "head_of",
            "mutations",
            *HISTORY_FIELDS,
        )
        convert_choices_to_enum = False
        filterset_class = InsureeFilter

    def resolve_status(self, info):
        return InsureeStatusEnum.get(self.status) if self.status else None

    def resolve_age(self, info):
        return self.age()

    def resolve_head_of(self, info, **kwargs):
        return self.head_of.current()


class FamilyGQLType(OpenIMISNodeType):
    read_rights = (insuree_rights.FAMILY_SEARCH, insuree_rights.INSUREE_SEARCH)
    node_selector = selectors.family_by
    client_mutation_id = graphene.String()

    class Meta:
        model = Family
        interfaces = (graphene.relay.Node,)
        fields = (
            "json_ext",
            "id",
            "uuid",
            "head_insuree",
            "location",
            "poverty",
            "family_type",
            "address",
            "is_offline",
            "ethnicity",
            "confirmation_no",
            "confirmation_type",
            "members",
            "mutations",
            *HISTORY_FIELDS,
        )
        filterset_class = FamilyFilter

    def resolve_members(self, info, **kwargs):
        return selectors.family_members(self)


class FamilyMutationGQLType(DjangoObjectType):
    class Meta:
        model = FamilyMutation
        fields = ("id", "family", "mutation")


class InsureeMutationGQLType(DjangoObjectType):
    class Meta:
        model = InsureeMutation
        fields = ("id", "insuree", "mutation")


class ValidationMessageGQLType(graphene.ObjectType):
    is_valid = graphene.Boolean()
    error_code = graphene.Int()
    error_message = graphene.String()


# the mutation log lists the families and insurees a mutation touched (`mutationLogs { families {
# family { uuid } } }`, read by fe-insuree after a create); the fields join core's type here
extend_type(MutationLogGQLType, "insurees",
            graphene.Field(graphene.List(graphene.NonNull(InsureeMutationGQLType)), required=True),
            lambda log, info: log.insurees.all())
extend_type(MutationLogGQLType, "families",
            graphene.Field(graphene.List(graphene.NonNull(FamilyMutationGQLType)), required=True),
            lambda log, info: log.families.all())


# the locations and health facilities list their families and insurees (`familySet`, `insureeSet`,
# `insurees`); the connections join the location module's types here, which knows nothing of insurees
def _add_connection(graphene_type, name: str, node_type, related: str) -> None:
    extend_type(graphene_type, name, DjangoFilterConnectionField(node_type, required=True),
                lambda row, info, **kwargs: _current(getattr(row, related)))


_add_connection(LocationGQLType, "family_set", FamilyGQLType, "family_set")
_add_connection(LocationGQLType, "insuree_set", InsureeGQLType, "insuree_set")
_add_connection(HealthFacilityGQLType, "insurees", InsureeGQLType, "insurees")

declare_relation(MutationLogGQLType, "insurees", RelatedRows("insurees", None, InsureeMutation.objects.all))
declare_relation(MutationLogGQLType, "families", RelatedRows("families", None, FamilyMutation.objects.all))
for _code_list in (Gender, FamilyType, ConfirmationType, Relation, Profession, Education, IdentificationType):
    keep_rows(_code_list)
declare_relation(InsureeGQLType, "status", Needs(columns=("status",)))
declare_relation(InsureeGQLType, "age", Needs(columns=("dob",)))
declare_pending_mutation(InsureeGQLType, InsureeMutation, "insuree")
declare_pending_mutation(FamilyGQLType, FamilyMutation, "family")


# --- input shapes: those of the insuree mutations, reused by modules that send families (controls) ---


class PhotoInputType(graphene.InputObjectType):
    id = graphene.Int()
    uuid = graphene.String()
    date = graphene.Date()
    officer_id = graphene.Int()
    photo = graphene.String()
    filename = graphene.String()
    folder = graphene.String()


long_text(PhotoInputType, "photo")  # the picture's base64 content: bounded by the request's size only

class InsureeInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    chf_id = graphene.String()
    last_name = graphene.String(required=True)
    other_names = graphene.String(required=True)
    gender_id = graphene.String(required=True)
    dob = graphene.Date(required=True)
    head = graphene.Boolean()
    marital = graphene.String()
    passport = graphene.String()
    phone = graphene.String()
    email = graphene.String()
    current_address = graphene.String()
    geolocation = graphene.String()
    current_village_id = graphene.Int()
    photo_id = graphene.Int()
    photo_date = graphene.Date()
    photo = graphene.Field(PhotoInputType)
    card_issued = graphene.Boolean()
    family_id = graphene.Int()
    relationship_id = graphene.Int()
    profession_id = graphene.Int()
    education_id = graphene.Int()
    type_of_id_id = graphene.String()
    health_facility_id = graphene.Int()
    offline = graphene.Boolean()
    json_ext = graphene.JSONString()
    status = graphene.String()
    status_reason = graphene.String()
    status_date = graphene.Date()
    # the insuree joins the current policies of its family (answered by the policy module)
    add_on_existing_policy = graphene.Boolean()


class FamilyHeadInsureeInputType(InsureeInputFields, graphene.InputObjectType):
    pass


class FamilyInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    location_id = graphene.Int()
    poverty = graphene.Boolean()
    family_type_id = graphene.String()
    address = graphene.String()
    is_offline = graphene.Boolean()
    ethnicity = graphene.String()
    confirmation_no = graphene.String()
    confirmation_type_id = graphene.String()
    json_ext = graphene.JSONString()
    contribution = graphene.JSONString()  # for the contribution module; not used yet
    head_insuree = graphene.Field(FamilyHeadInsureeInputType)
