"""Root mutations of the core module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.core import rights as core_rights
from openimis.core import services
from openimis.core.errors import ServiceError
from openimis.core.gql.auth import AuthMutations
from openimis.core.gql.types import UserTypes
from openimis.core.models import UserMutation
from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.graphql.rights import AUTHENTICATED, PUBLIC

USER_LINK = LogLink(UserMutation, "core_user")


class UserInputFields:
    uuid = graphene.String()
    user_id = graphene.String()
    other_names = graphene.String(required=True)
    last_name = graphene.String(required=True)
    username = graphene.String(required=True)
    phone = graphene.String()
    email = graphene.String()
    password = graphene.String()
    health_facility_id = graphene.Int()
    districts = graphene.List(graphene.Int)
    language = graphene.String(required=True)
    roles = graphene.List(graphene.Int)
    birth_date = graphene.Date()
    address = graphene.String()
    works_to = graphene.DateTime()
    substitution_officer_id = graphene.Int()
    phone_communication = graphene.Boolean()
    location_id = graphene.Int()
    village_ids = graphene.List(graphene.Int)
    user_types = graphene.List(UserTypes, required=True)


class CreateUserMutation(OpenIMISMutation):
    service = services.create_user
    log_link = USER_LINK
    rights = (core_rights.USER_ADD,)

    class Input(UserInputFields, OpenIMISMutation.Input):
        pass


class UpdateUserMutation(OpenIMISMutation):
    service = services.update_user
    log_link = USER_LINK
    rights = (core_rights.USER_EDIT,)

    class Input(UserInputFields, OpenIMISMutation.Input):
        pass


class DeleteUserMutation(OpenIMISMutation):
    service = services.delete_user
    each_uuid = True
    rights = (core_rights.USER_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class RoleInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    name = graphene.String(required=True)
    alt_language = graphene.String()
    is_system = graphene.Boolean(required=True)
    is_blocked = graphene.Boolean(required=True)
    rights_id = graphene.List(graphene.Int)
    system_role_id = graphene.Int()


class CreateRoleMutation(OpenIMISMutation):
    service = services.create_role
    rights = (core_rights.ROLE_ADD,)

    class Input(RoleInputFields, OpenIMISMutation.Input):
        pass


class UpdateRoleMutation(OpenIMISMutation):
    service = services.update_role
    rights = (core_rights.ROLE_EDIT,)

    class Input(RoleInputFields, OpenIMISMutation.Input):
        pass


class DeleteRoleMutation(OpenIMISMutation):
    service = services.delete_role
    each_uuid = True
    rights = (core_rights.ROLE_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class DuplicateRoleMutation(OpenIMISMutation):
    service = services.duplicate_role
    rights = (core_rights.ROLE_DUPLICATE,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String(required=True)
        name = graphene.String(required=True)
        alt_language = graphene.String()
        is_system = graphene.Boolean(required=True)
        is_blocked = graphene.Boolean(required=True)
        rights_id = graphene.List(graphene.Int)


class ChangeUserLanguageMutation(OpenIMISMutation):
    rights = AUTHENTICATED

    class Input(OpenIMISMutation.Input):
        language_id = graphene.String(required=True)

    @classmethod
    def perform(cls, user, data, log):
        services.change_user_language(user, data["language_id"])


class PasswordMutation(graphene.relay.ClientIDMutation):
    """The password mutations answer directly with `success` and `error` (no mutation log)."""

    success = graphene.Boolean()
    error = graphene.String()

    class Meta:
        abstract = True

    @classmethod
    def attempt(cls, action, client_mutation_id):
        try:
            action()
        except ServiceError as error:
            message = f"{error.message}: {error.detail}" if error.detail else error.message
            return cls(success=False, error=message, client_mutation_id=client_mutation_id)
        return cls(success=True, client_mutation_id=client_mutation_id)


class ChangePasswordMutation(PasswordMutation):
    rights = AUTHENTICATED

    class Input:
        username = graphene.String()
        old_password = graphene.String()
        new_password = graphene.String(required=True)

    @classmethod
    def mutate_and_get_payload(cls, root, info, **data):
        return cls.attempt(lambda: services.change_password(
            info.context.user, data.get("username"), data.get("old_password"), data["new_password"]),
            data.get("client_mutation_id"))


class ResetPasswordMutation(PasswordMutation):
    rights = PUBLIC

    class Input:
        username = graphene.String(required=True)

    @classmethod
    def mutate_and_get_payload(cls, root, info, **data):
        return cls.attempt(lambda: services.request_password_reset(data["username"]),
                           data.get("client_mutation_id"))


class SetPasswordMutation(PasswordMutation):
    rights = PUBLIC

    class Input:
        username = graphene.String(required=True)
        token = graphene.String(required=True)
        new_password = graphene.String(required=True)

    @classmethod
    def mutate_and_get_payload(cls, root, info, **data):
        return cls.attempt(lambda: services.set_password_with_token(
            data["username"], data["token"], data["new_password"]), data.get("client_mutation_id"))


class Mutation(AuthMutations, graphene.ObjectType):
    create_role = CreateRoleMutation.Field()
    update_role = UpdateRoleMutation.Field()
    delete_role = DeleteRoleMutation.Field()
    duplicate_role = DuplicateRoleMutation.Field()
    create_user = CreateUserMutation.Field()
    update_user = UpdateUserMutation.Field()
    delete_user = DeleteUserMutation.Field()
    change_user_language = ChangeUserLanguageMutation.Field()
    change_password = ChangePasswordMutation.Field()
    reset_password = ResetPasswordMutation.Field()
    set_password = SetPasswordMutation.Field()
