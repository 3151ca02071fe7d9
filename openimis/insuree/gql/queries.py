"""Root queries of the insuree module. Thin: parse arguments, call selectors (row security there)."""

from __future__ import annotations

import graphene
from graphql import GraphQLError

from openimis.core.errors import ServiceError
from openimis.core.gql.types import OfficerGQLType
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import AUTHENTICATED
from openimis.insuree import exports, numbers, selectors, services
from openimis.insuree import rights as insuree_rights
from openimis.insuree.gql import export
from openimis.insuree.gql.types import (
    ConfirmationTypeGQLType,
    EducationGQLType,
    FamilyGQLType,
    FamilyTypeGQLType,
    GenderGQLType,
    IdentificationTypeGQLType,
    InsureeGQLType,
    InsureeStatusReasonGQLType,
    ProfessionGQLType,
    RelationGQLType,
    ValidationMessageGQLType,
)

FAMILY_READERS = (insuree_rights.FAMILY_SEARCH,)
INSUREE_READERS = (insuree_rights.INSUREE_SEARCH, insuree_rights.INSUREE_ENQUIRE)
EDITORS = (
    insuree_rights.FAMILY_ADD,
    insuree_rights.FAMILY_EDIT,
    insuree_rights.INSUREE_ADD,
    insuree_rights.INSUREE_EDIT,
)

def _by_mutation(queryset, client_mutation_id: str | None):
    if not client_mutation_id:
        return queryset
    return queryset.filter(mutations__mutation__client_mutation_id=client_mutation_id).distinct()


def _in_location(queryset, paths: list[str], parent_uuid, parent_level):
    condition = None
    for path in paths:
        found = selectors.under_parent_location(path, parent_uuid, parent_level)
        if found is not None:
            condition = found if condition is None else condition | found
    return queryset if condition is None else queryset.filter(condition)


class Query(graphene.ObjectType):
    families = OpenIMISConnectionField(
        FamilyGQLType,
        null_as_false_poverty=graphene.Boolean(),
        show_history=graphene.Boolean(),
        parent_location=graphene.String(),
        parent_location_level=graphene.Int(),
        client_mutation_id=graphene.String(),
        additional_filter=graphene.JSONString(),
        officer=graphene.String(),
    )
    family_members = OpenIMISConnectionField(InsureeGQLType, family_uuid=graphene.String(required=True))
    insurees = OpenIMISConnectionField(
        InsureeGQLType,
        show_history=graphene.Boolean(),
        parent_location=graphene.String(),
        parent_location_level=graphene.Int(),
        client_mutation_id=graphene.String(),
        ignore_location=graphene.Boolean(),
        additional_filters=graphene.JSONString(),
    )
    insurees_export = export.export_field(insurees)  # the same arguments, the rows written to a file
    # `locationId`: sent by fe-insuree 1.11 (the photo officer picker), absent from the 24.10 schema
    insuree_officers = OpenIMISConnectionField(OfficerGQLType, order_by=False, location_id=graphene.String())
    insuree_number_validity = graphene.Field(
        ValidationMessageGQLType, insuree_number=graphene.String(required=True)
    )
    can_add_insuree = graphene.List(graphene.String, family_id=graphene.Int(required=True))
    insuree_genders = graphene.List(GenderGQLType)
    identification_types = graphene.List(IdentificationTypeGQLType)
    educations = graphene.List(EducationGQLType)
    professions = graphene.List(ProfessionGQLType)
    family_types = graphene.List(FamilyTypeGQLType)
    confirmation_types = graphene.List(ConfirmationTypeGQLType)
    relations = graphene.List(RelationGQLType)
    insuree_status_reasons = OpenIMISConnectionField(
        InsureeStatusReasonGQLType, order_by=False, str=graphene.String()
    )

    field_rights = {
        "families": FAMILY_READERS,
        "familyMembers": FAMILY_READERS,
        "insurees": INSUREE_READERS,
        "insureesExport": (insuree_rights.INSUREE_SEARCH,),
        "insureeOfficers": (insuree_rights.FAMILY_SEARCH, insuree_rights.INSUREE_SEARCH),
        "insureeNumberValidity": EDITORS,
        "canAddInsuree": EDITORS,
        # the code lists label the fields of every page that shows a family or an insuree
        "insureeGenders": AUTHENTICATED,
        "identificationTypes": AUTHENTICATED,
        "educations": AUTHENTICATED,
        "professions": AUTHENTICATED,
        "familyTypes": AUTHENTICATED,
        "confirmationTypes": AUTHENTICATED,
        "relations": AUTHENTICATED,
        "insureeStatusReasons": AUTHENTICATED,
    }

    def resolve_families(self, info, **kwargs):
        queryset = selectors.families(info.context.user, show_history=bool(kwargs.get("show_history")))
        poverty = kwargs.get("null_as_false_poverty")
        if poverty is not None:  # a family without a poverty status counts as not poor
            queryset = queryset.filter(poverty=True) if poverty else queryset.exclude(poverty=True)
        if kwargs.get("officer"):  # the families living in the villages the officer serves
            queryset = queryset.filter(location_id__in=selectors.villages_of_officer(kwargs["officer"]))
        queryset = _in_location(
            queryset, ["location"], kwargs.get("parent_location"), kwargs.get("parent_location_level")
        )
        # `additionalFilter` carries the filters other modules contribute to the searcher: none yet
        queryset = _by_mutation(queryset, kwargs.get("client_mutation_id"))
        return queryset.order_by("-validity_from", "-id")

    def resolve_family_members(self, info, family_uuid, **kwargs):
        family = selectors.family_by(info.context.user, uuid=family_uuid)
        if family is None:
            return selectors.current_insurees().none()
        return selectors.family_members(family).order_by("-head", "id")

    def resolve_insurees(self, info, **kwargs):
        queryset = selectors.insurees(info.context.user, show_history=bool(kwargs.get("show_history")))
        if not kwargs.get("ignore_location"):
            queryset = _in_location(
                queryset,
                ["current_village", "family__location"],
                kwargs.get("parent_location"),
                kwargs.get("parent_location_level"),
            )
        queryset = _by_mutation(queryset, kwargs.get("client_mutation_id"))
        return queryset.order_by("chf_id", "-validity_from", "-id")

    def resolve_insurees_export(self, info, fields=None, fields_columns=None, file_format=None, **kwargs):
        queryset = export.filtered(Query.insurees, Query.resolve_insurees(self, info, **kwargs), info, kwargs)
        paths, titles = export.export_columns(fields, fields_columns)
        try:
            return exports.export_insurees(info.context.user, queryset, paths, titles, file_format)
        except ServiceError as error:
            raise GraphQLError(error.message) from error

    def resolve_insuree_officers(self, info, location_id=None, **kwargs):
        return selectors.officers(location_id).order_by("code")

    def resolve_insuree_number_validity(self, info, insuree_number):
        error = numbers.number_error(insuree_number)
        if error is None:
            return ValidationMessageGQLType(is_valid=True)
        return ValidationMessageGQLType(is_valid=False, error_code=error.code, error_message=error.message)

    def resolve_can_add_insuree(self, info, family_id):
        return services.can_add_insuree(info.context.user, family_id)

    def resolve_insuree_genders(self, info):
        return selectors.genders()

    def resolve_identification_types(self, info):
        return selectors.identification_types()

    def resolve_educations(self, info):
        return selectors.educations()

    def resolve_professions(self, info):
        return selectors.professions()

    def resolve_family_types(self, info):
        return selectors.family_types()

    def resolve_confirmation_types(self, info):
        return selectors.confirmation_types()

    def resolve_relations(self, info):
        return selectors.relations()

    def resolve_insuree_status_reasons(self, info, **kwargs):
        return selectors.status_reasons(kwargs.get("str"))
