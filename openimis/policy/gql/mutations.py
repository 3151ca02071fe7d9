"""Root mutations of the policy module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.policy import rights as policy_rights
from openimis.policy import services
from openimis.policy.models import PolicyMutation


class PolicyInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    enroll_date = graphene.Date(required=True)
    start_date = graphene.Date(required=True)
    expiry_date = graphene.Date(required=True)
    value = graphene.Decimal(required=True)
    product_id = graphene.Int(required=True)
    family_id = graphene.Int(required=True)
    officer_id = graphene.Int(required=True)
    is_paid = graphene.Boolean()
    receipt = graphene.String()
    payer_uuid = graphene.String()
    contribution_plan_id = graphene.UUID()


POLICY_LINK = LogLink(PolicyMutation, "policy")


class CreatePolicyMutation(OpenIMISMutation):
    service = services.create_policy
    log_link = POLICY_LINK
    rights = (policy_rights.POLICY_ADD,)

    class Input(PolicyInputFields, OpenIMISMutation.Input):
        pass


class RenewPolicyMutation(OpenIMISMutation):
    service = services.renew_policy
    log_link = POLICY_LINK
    rights = (policy_rights.POLICY_RENEW,)

    class Input(PolicyInputFields, OpenIMISMutation.Input):
        pass


class UpdatePolicyMutation(OpenIMISMutation):
    service = services.update_policy
    log_link = POLICY_LINK
    rights = (policy_rights.POLICY_EDIT,)

    class Input(PolicyInputFields, OpenIMISMutation.Input):
        pass


class SuspendPoliciesMutation(OpenIMISMutation):
    service = services.suspend_policy
    log_link = POLICY_LINK
    each_uuid = True
    rights = (policy_rights.POLICY_EDIT,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class DeletePoliciesMutation(OpenIMISMutation):
    service = services.delete_policy
    log_link = POLICY_LINK
    each_uuid = True
    rights = (policy_rights.POLICY_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class Mutation(graphene.ObjectType):
    create_policy = CreatePolicyMutation.Field()
    renew_policy = RenewPolicyMutation.Field()
    update_policy = UpdatePolicyMutation.Field()
    suspend_policies = SuspendPoliciesMutation.Field()
    delete_policies = DeletePoliciesMutation.Field()
