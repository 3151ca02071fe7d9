"""Root mutations of the insuree module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.insuree import family_services, services
from openimis.insuree import rights as insuree_rights
from openimis.insuree.gql.types import FamilyInputFields, InsureeInputFields
from openimis.insuree.models import FamilyMutation, InsureeMutation

FAMILY_LINK = LogLink(FamilyMutation, "family")
INSUREE_LINK = LogLink(InsureeMutation, "insuree")


class CreateFamilyMutation(OpenIMISMutation):
    rights = (insuree_rights.FAMILY_ADD,)

    class Input(FamilyInputFields, OpenIMISMutation.Input):
        pass

    @classmethod
    def perform(cls, user, data, log):
        family = family_services.create_family(user, data)
        FAMILY_LINK.write(family, log)
        INSUREE_LINK.write(family.head_insuree, log)


class UpdateFamilyMutation(OpenIMISMutation):
    service = family_services.update_family
    log_link = FAMILY_LINK
    rights = (insuree_rights.FAMILY_EDIT,)

    class Input(FamilyInputFields, OpenIMISMutation.Input):
        pass


class DeleteFamiliesMutation(OpenIMISMutation):
    service = family_services.delete_family
    log_link = FAMILY_LINK
    each_uuid = True
    rights = (insuree_rights.FAMILY_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)
        delete_members = graphene.Boolean(default_value=False)

    @classmethod
    def service_arguments(cls, data):
        return (bool(data.get("delete_members")),)


class CreateInsureeMutation(OpenIMISMutation):
    service = services.create_insuree
    log_link = INSUREE_LINK
    rights = (insuree_rights.INSUREE_ADD,)

    class Input(InsureeInputFields, OpenIMISMutation.Input):
        pass


class UpdateInsureeMutation(OpenIMISMutation):
    service = services.update_insuree
    log_link = INSUREE_LINK
    rights = (insuree_rights.INSUREE_EDIT,)

    class Input(InsureeInputFields, OpenIMISMutation.Input):
        pass


class DeleteInsureesMutation(OpenIMISMutation):
    """`uuid`: the family the insurees are deleted from (optional)."""

    service = services.delete_insuree
    log_link = INSUREE_LINK
    each_uuid = True
    rights = (insuree_rights.INSUREE_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String()
        uuids = graphene.List(graphene.String)

    @classmethod
    def service_arguments(cls, data):
        return (data.get("uuid"),)


class RemoveInsureesMutation(OpenIMISMutation):
    """`uuid`: the family the insurees leave; `cancelPolicies`: their coverage ends now."""

    service = services.remove_insuree
    log_link = INSUREE_LINK
    each_uuid = True
    rights = (insuree_rights.FAMILY_EDIT,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String()
        uuids = graphene.List(graphene.String)
        cancel_policies = graphene.Boolean(default_value=False)

    @classmethod
    def service_arguments(cls, data):
        return (data.get("uuid"), bool(data.get("cancel_policies")))


class SetFamilyHeadMutation(OpenIMISMutation):
    rights = (insuree_rights.FAMILY_EDIT,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String()
        insuree_uuid = graphene.String()

    @classmethod
    def perform(cls, user, data, log):
        family = family_services.set_family_head(user, data.get("uuid"), data.get("insuree_uuid"))
        FAMILY_LINK.write(family, log)


class ChangeInsureeFamilyMutation(OpenIMISMutation):
    """Needs the family-edit right here and the insuree-edit right (checked by the service)."""

    rights = (insuree_rights.FAMILY_EDIT,)

    class Input(OpenIMISMutation.Input):
        family_uuid = graphene.String()
        insuree_uuid = graphene.String()
        cancel_policies = graphene.Boolean(default_value=False)

    @classmethod
    def perform(cls, user, data, log):
        insuree = family_services.change_insuree_family(
            user, data.get("family_uuid"), data.get("insuree_uuid"), bool(data.get("cancel_policies"))
        )
        INSUREE_LINK.write(insuree, log)


class Mutation(graphene.ObjectType):
    create_family = CreateFamilyMutation.Field()
    update_family = UpdateFamilyMutation.Field()
    delete_families = DeleteFamiliesMutation.Field()
    create_insuree = CreateInsureeMutation.Field()
    update_insuree = UpdateInsureeMutation.Field()
    delete_insurees = DeleteInsureesMutation.Field()
    remove_insurees = RemoveInsureesMutation.Field()
    set_family_head = SetFamilyHeadMutation.Field()
    change_insuree_family = ChangeInsureeFamilyMutation.Field()
