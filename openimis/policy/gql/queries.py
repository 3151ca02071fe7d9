"""Root queries of the policy module. Thin: parse arguments, call selectors (row security there)."""

from __future__ import annotations

import graphene
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from graphene_django import DjangoConnectionField

from openimis.core import selectors as core_selectors
from openimis.core.gql.types import OfficerGQLType
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.insuree import selectors as insuree_selectors
from openimis.location import selectors as location_selectors
from openimis.policy import enquiry, selectors, services
from openimis.policy import rights as policy_rights
from openimis.policy.gql.types import (
    EligibilityGQLType,
    InsureePolicyGQLType,
    PolicyAndWarningsGQLType,
    PolicyByFamilyOrInsureeConnection,
    PolicyGQLType,
    PolicyRenewalGQLType,
    renewals_for,
)

READERS = (policy_rights.POLICY_SEARCH,)
EDITORS = (policy_rights.POLICY_ADD, policy_rights.POLICY_EDIT, policy_rights.POLICY_RENEW)
def _under(queryset, path: str, parent_uuid, level):
    found = insuree_selectors.under_parent_location(path, parent_uuid, level)
    return queryset if found is None else queryset.filter(found)


class Query(graphene.ObjectType):
    policies = OpenIMISConnectionField(
        PolicyGQLType, region_id=graphene.Int(), district_id=graphene.Int(), balance_lte=graphene.Float(),
        balance_gte=graphene.Float(), show_history=graphene.Boolean(), show_inactive=graphene.Boolean(),
        confirmation_type=graphene.String(),
        # sent by fe-policy 1.10's searcher, absent from the 24.10 schema: a member the policy covers
        insuree_policies__insuree__chf_id=graphene.String(name="insureePolicies_Insuree_ChfId"),
        insuree_policies__insuree__last_name__icontains=graphene.String(
            name="insureePolicies_Insuree_LastName_Icontains"),
        insuree_policies__insuree__other_names__icontains=graphene.String(
            name="insureePolicies_Insuree_OtherNames_Icontains"),
    )
    policies_by_family = graphene.relay.ConnectionField(
        PolicyByFamilyOrInsureeConnection, family_uuid=graphene.String(required=True),
        active_or_last_expired_only=graphene.Boolean(), show_history=graphene.Boolean(),
        order_by=graphene.String(), target_date=graphene.Date(),
    )
    policies_by_insuree = graphene.relay.ConnectionField(
        PolicyByFamilyOrInsureeConnection, chf_id=graphene.String(required=True),
        active_or_last_expired_only=graphene.Boolean(), show_history=graphene.Boolean(),
        order_by=graphene.String(), target_date=graphene.Date(),
    )
    policy_values = graphene.Field(
        PolicyAndWarningsGQLType, prev_uuid=graphene.String(), stage=graphene.String(required=True),
        enroll_date=graphene.DateTime(required=True), product_id=graphene.Int(),
        family_id=graphene.Int(required=True), contribution_plan_uuid=graphene.UUID(),
    )
    policy_officers = OpenIMISConnectionField(
        OfficerGQLType, order_by=False, search=graphene.String(), district=graphene.String(),
        region=graphene.String(),
    )
    policy_eligibility_by_insuree = graphene.Field(EligibilityGQLType, chf_id=graphene.String(required=True))
    policy_item_eligibility_by_insuree = graphene.Field(
        EligibilityGQLType, chf_id=graphene.String(required=True), item_code=graphene.String(required=True))
    policy_service_eligibility_by_insuree = graphene.Field(
        EligibilityGQLType, chf_id=graphene.String(required=True),
        service_code=graphene.String(required=True))
    insuree_policy = OpenIMISConnectionField(
        InsureePolicyGQLType, parent_location=graphene.String(), parent_location_level=graphene.Int(),
        additional_filter=graphene.JSONString(),
    )

    policy_renewals = DjangoConnectionField(PolicyRenewalGQLType)

    field_rights = {
        "policies": READERS,
        "policiesByFamily": READERS,
        "policiesByInsuree": READERS,
        "policyValues": EDITORS,
        "policyOfficers": READERS,
        "policyEligibilityByInsuree": READERS,
        "policyItemEligibilityByInsuree": READERS,
        "policyServiceEligibilityByInsuree": READERS,
        "insureePolicy": READERS,
        "policyRenewals": READERS,
    }

    def resolve_policies(self, info, **kwargs):
        queryset = selectors.policies(info.context.user, show_history=bool(kwargs.get("show_history")))
        if kwargs.get("district_id"):
            queryset = queryset.filter(family__location__parent__parent_id=kwargs["district_id"])
        if kwargs.get("region_id"):
            queryset = queryset.filter(family__location__parent__parent__parent_id=kwargs["region_id"])
        member_lookups = {key.removeprefix("insuree_policies__"): value for key, value in kwargs.items()
                          if key.startswith("insuree_policies__") and value}
        if member_lookups:
            covering = selectors.current_insuree_policies().filter(**member_lookups).values("policy_id")
            queryset = queryset.filter(id__in=covering)
        if kwargs.get("confirmation_type"):
            queryset = queryset.filter(family__confirmation_type_id=kwargs["confirmation_type"])
        if kwargs.get("show_inactive"):  # policies that do not cover every current member of the family
            coverage = selectors.current_insuree_policies().filter(policy_id=OuterRef(OuterRef("pk")),
                                                                   insuree_id=OuterRef("pk"))
            uncovered = (insuree_selectors.current_insurees().filter(family_id=OuterRef("family_id"))
                         .filter(~Exists(coverage)))
            queryset = queryset.filter(Exists(uncovered))
        queryset = selectors.annotated(queryset)
        for key, lookup in (("balance_lte", "lte"), ("balance_gte", "gte")):
            if kwargs.get(key) is not None and "sum_premiums_total" in queryset.query.annotations:
                paid = Coalesce("sum_premiums_total", Value(0), output_field=DecimalField())
                queryset = queryset.annotate(balance=F("value") - paid).filter(
                    **{f"balance__{lookup}": kwargs[key]})
        return queryset.order_by("-enroll_date", "-id")

    def resolve_policies_by_family(self, info, family_uuid, **kwargs):
        family = insuree_selectors.family_by(info.context.user, uuid=family_uuid)
        if family is None:
            return []
        queryset = selectors.policies(info.context.user, show_history=bool(kwargs.get("show_history")))
        return enquiry.summary_rows(queryset.filter(family__uuid=family.uuid),
                                    kwargs.get("active_or_last_expired_only"), kwargs.get("target_date"),
                                    kwargs.get("order_by"))

    def resolve_policies_by_insuree(self, info, chf_id, **kwargs):
        insuree = insuree_selectors.insurees(info.context.user).filter(chf_id=chf_id).first()
        if insuree is None:
            return []
        covered = selectors.current_insuree_policies().filter(insuree=insuree).values("policy_id")
        queryset = selectors.policies(info.context.user, show_history=bool(kwargs.get("show_history")))
        return enquiry.summary_rows(queryset.filter(id__in=covered),
                                    kwargs.get("active_or_last_expired_only"), kwargs.get("target_date"),
                                    kwargs.get("order_by"))

    def resolve_policy_values(self, info, stage, enroll_date, family_id, product_id=None, prev_uuid=None,
                              **kwargs):
        policy, warnings = services.compute_values(info.context.user, stage, enroll_date, product_id,
                                                   family_id, prev_uuid)
        return PolicyAndWarningsGQLType(policy=policy, warnings=warnings)

    def resolve_policy_officers(self, info, search=None, district=None, region=None, **kwargs):
        queryset = core_selectors.enrolment_officers(search)
        for location in (district, region):
            if location:
                queryset = queryset.filter(id__in=_officers_serving(location))
        return queryset.order_by("code", "id")

    def resolve_policy_eligibility_by_insuree(self, info, chf_id):
        return EligibilityGQLType(**enquiry.eligibility(info.context.user, chf_id))

    def resolve_policy_item_eligibility_by_insuree(self, info, chf_id, item_code):
        return EligibilityGQLType(**enquiry.eligibility(info.context.user, chf_id, item_code=item_code))

    def resolve_policy_service_eligibility_by_insuree(self, info, chf_id, service_code):
        return EligibilityGQLType(**enquiry.eligibility(info.context.user, chf_id, service_code=service_code))

    def resolve_insuree_policy(self, info, parent_location=None, parent_location_level=None, **kwargs):
        queryset = selectors.insuree_policies(info.context.user)
        queryset = _under(queryset, "insuree__family__location", parent_location, parent_location_level)
        return queryset.order_by("-id")

    def resolve_policy_renewals(self, info, **kwargs):
        return renewals_for(info.context.user).order_by("renewal_date", "id")


def _officers_serving(location: str):
    """The ids of the officers who serve a location: fe-policy sends its id (the family's village on the
    policy form, the district or region of the searcher's filter); a uuid is accepted too. An officer
    serves it when their own location contains it or lies inside it, or one of their villages lies in it."""
    field = "id" if str(location).isdigit() else "uuid"
    found = (location_selectors.current_locations().filter(**{field: location})
             .values_list("id", flat=True).first())
    if found is None:
        return []
    inside = Q()
    for depth in range(4):
        inside |= Q(**{"location" + "__parent" * depth + "_id": found})
    above = Q()
    for depth in (1, 2, 3):
        above |= Q(**{"location" + "__children" * depth + "__id": found})
    villages = insuree_selectors.villages_of_any_officer().filter(inside).values("officer_id")
    officers = core_selectors.enrolment_officers().filter(inside | above).values("id")
    return list(villages.values_list("officer_id", flat=True)) + list(officers.values_list("id", flat=True))
