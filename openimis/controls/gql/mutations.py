"""Root mutations of the controls module: `mobileEnrollment`, with the input types of 24.10. Thin: the
input shape, the rights, the service; the links of what it wrote to the mutation log."""

from __future__ import annotations

import graphene

from openimis.contribution.gql.types import PremiumInputFields
from openimis.controls import services
from openimis.controls.models import MobileEnrollmentMutation as MobileEnrollmentLink
from openimis.controls.rights import MOBILE_ENROLLMENT_RIGHTS
from openimis.graphql.mutations import OpenIMISMutation
from openimis.insuree.gql.types import FamilyInputFields, InsureeInputFields


class FamilyEnrollmentGQLType(FamilyInputFields, graphene.InputObjectType):
    pass


class InsureeEnrollmentGQLType(InsureeInputFields, graphene.InputObjectType):
    pass


class PolicyEnrollmentGQLType(OpenIMISMutation.Input, graphene.InputObjectType):
    """A policy as the app sends it: the policy input of 24.10 (with its mutation fields, which are not
    used) and the number the app gave the policy, by which the contributions name it."""

    id = graphene.Int()
    uuid = graphene.String()
    enroll_date = graphene.Date(required=True)
    start_date = graphene.Date(required=True)
    expiry_date = graphene.Date(required=True)
    value = graphene.Decimal(required=True)
    product_id = graphene.Int(required=True)
    family_id = graphene.Int(required=True)  # the app's own: the policy belongs to the enrolled family
    officer_id = graphene.Int(required=True)
    is_paid = graphene.Boolean()
    receipt = graphene.String()
    payer_uuid = graphene.String()
    contribution_plan_id = graphene.UUID()
    mobile_id = graphene.Int(required=True)


class PremiumEnrollmentGQLType(PremiumInputFields, graphene.InputObjectType):
    """A contribution as the app sends it: `policy_id` is the `mobile_id` of its policy in the enrolment;
    `policy_uuid` is not read (a new policy has none yet)."""

    policy_id = graphene.Int(required=True)


class MobileEnrollmentMutation(OpenIMISMutation):
    """A whole family enrolment in one transaction (`services.enrol`). The declared rights let a caller
    with any of them reach the service, which then asks for all of them, as 24.10 does."""

    rights = MOBILE_ENROLLMENT_RIGHTS
    bounded_lists = ("insurees", "policies", "premiums")

    class Input(OpenIMISMutation.Input):
        family = graphene.Field(FamilyEnrollmentGQLType, required=True)
        insurees = graphene.List(InsureeEnrollmentGQLType)
        policies = graphene.List(PolicyEnrollmentGQLType, required=True)
        premiums = graphene.List(PremiumEnrollmentGQLType, required=True)

    @classmethod
    def perform(cls, user, data, log):
        enrolment = services.enrol(user, data)
        for policy in enrolment.policies or [None]:
            MobileEnrollmentLink.objects.create(mutation=log, family=enrolment.family, policy=policy)


class Mutation(graphene.ObjectType):
    mobile_enrollment = MobileEnrollmentMutation.Field()
