"""Root queries of the core module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import graphene
from django.db.models import Q
from graphene.types.generic import GenericScalar

from openimis.core import passwords, selectors
from openimis.core import rights as core_rights
from openimis.core.gql.types import (
    CustomFilterGQLType,
    InteractiveUserGQLType,
    LanguageGQLType,
    ModuleConfigurationGQLType,
    ModulePermissionGQLType,
    ModulePermissionsListGQLType,
    MutationLogGQLType,
    OfficerGQLType,
    PermissionOpenImisGQLType,
    RoleGQLType,
    RoleRightGQLType,
    UserGQLType,
    UserTypes,
)
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import AUTHENTICATED, PUBLIC
from openimis.modules import module_configs

USERNAME_LENGTH = 50


def _users_matching_text(queryset, text: str):
    return queryset.filter(Q(username__icontains=text) | Q(i_user__last_name__icontains=text)
                           | Q(i_user__other_names__icontains=text) | Q(officer__last_name__icontains=text)
                           | Q(officer__other_names__icontains=text))


def _filter_by_profile(queryset, field: str, value):
    return queryset.filter(Q(**{f"i_user__{field}__icontains": value})
                           | Q(**{f"officer__{field}__icontains": value}))


class Query(graphene.ObjectType):
    user = graphene.Field(UserGQLType)
    users = OpenIMISConnectionField(
        UserGQLType, validity=graphene.Date(), client_mutation_id=graphene.String(),
        last_name=graphene.String(), other_names=graphene.String(), phone=graphene.String(),
        email=graphene.String(), role_id=graphene.Int(), roles=graphene.List(graphene.Int),
        health_facility_id=graphene.Int(), region_id=graphene.Int(), region_ids=graphene.List(graphene.Int),
        district_id=graphene.Int(), municipality_id=graphene.Int(), village_id=graphene.Int(),
        birth_date_from=graphene.Date(), birth_date_to=graphene.Date(), user_types=graphene.List(UserTypes),
        language=graphene.String(), show_history=graphene.Boolean(), show_deleted=graphene.Boolean(),
        str=graphene.String(), parent_location=graphene.String(), parent_location_level=graphene.Int())
    interactive_users = OpenIMISConnectionField(
        InteractiveUserGQLType, validity=graphene.Date(), show_history=graphene.Boolean(),
        client_mutation_id=graphene.String())
    role = OpenIMISConnectionField(
        RoleGQLType, is_system=graphene.Boolean(), role_right=graphene.Int(), system_role_id=graphene.Int(),
        show_history=graphene.Boolean(), client_mutation_id=graphene.String(), str=graphene.String())
    role_right = OpenIMISConnectionField(RoleRightGQLType, validity=graphene.Date())
    modules_permissions = graphene.Field(ModulePermissionsListGQLType)
    languages = graphene.List(LanguageGQLType)
    module_configurations = graphene.List(ModuleConfigurationGQLType, validity=graphene.String(),
                                          layer=graphene.String())
    mutation_logs = OpenIMISConnectionField(MutationLogGQLType)
    user_obligatory_fields = GenericScalar()
    eo_obligatory_fields = GenericScalar()
    enrolment_officers = OpenIMISConnectionField(OfficerGQLType, order_by=False, str=graphene.String())
    substitution_enrolment_officers = OpenIMISConnectionField(
        OfficerGQLType, order_by=False, villages_uuids=graphene.List(graphene.NonNull(graphene.String)),
        officer_uuid=graphene.String(), str=graphene.String())
    custom_filters = graphene.Field(
        CustomFilterGQLType, module_name=graphene.String(required=True),
        object_type_name=graphene.String(required=True), uuid_of_object=graphene.String(),
        additional_params=graphene.JSONString())
    validate_username = graphene.Boolean(username=graphene.String(required=True))
    validate_user_email = graphene.Boolean(user_email=graphene.String(required=True))
    validate_role_name = graphene.Boolean(role_name=graphene.String(required=True))
    username_length = graphene.Int()
    password_policy = graphene.JSONString()
    node = graphene.relay.Node.Field()

    field_rights = {
        "user": AUTHENTICATED,
        "users": (core_rights.USER_SEARCH,),
        "interactiveUsers": (core_rights.USER_SEARCH,),
        "role": (core_rights.ROLE_SEARCH,),
        "roleRight": (core_rights.ROLE_SEARCH,),
        "modulesPermissions": (core_rights.ROLE_SEARCH,),
        "languages": AUTHENTICATED,
        "moduleConfigurations": PUBLIC,  # the frontend reads it before anyone logs in
        "mutationLogs": AUTHENTICATED,  # narrowed to the caller's own logs (administrators: all)
        "userObligatoryFields": AUTHENTICATED,  # the user form's field controls (configuration)
        "eoObligatoryFields": AUTHENTICATED,
        "enrolmentOfficers": (core_rights.ENROLMENT_OFFICER_SEARCH, core_rights.USER_SEARCH),
        "substitutionEnrolmentOfficers": (core_rights.ENROLMENT_OFFICER_SEARCH, core_rights.USER_SEARCH),
        "customFilters": AUTHENTICATED,  # describes fields only; the lists they filter check their rights
        "validateUsername": (core_rights.USER_SEARCH,),
        "validateUserEmail": (core_rights.USER_SEARCH,),
        "validateRoleName": (core_rights.ROLE_SEARCH,),
        "usernameLength": AUTHENTICATED,
        "passwordPolicy": PUBLIC,  # shown on the unauthenticated set-password page
        "node": AUTHENTICATED,  # each type checks its own read rights
    }

    def resolve_user(self, info):
        return info.context.user

    def resolve_users(self, info, **kwargs):
        show_history = kwargs.get("show_history") or kwargs.get("show_deleted")
        queryset = selectors.users(show_history=bool(show_history))
        if kwargs.get("str"):
            queryset = _users_matching_text(queryset, kwargs["str"])
        for field in ("last_name", "other_names", "phone", "email"):
            if kwargs.get(field):
                queryset = _filter_by_profile(queryset, field, kwargs[field])
        roles = list(kwargs.get("roles") or []) + ([kwargs["role_id"]] if kwargs.get("role_id") else [])
        if roles:
            queryset = queryset.filter(i_user__user_roles__role_id__in=roles,
                                       i_user__user_roles__validity_to__isnull=True)
        if kwargs.get("health_facility_id"):
            queryset = queryset.filter(i_user__health_facility_id=kwargs["health_facility_id"])
        if kwargs.get("language"):
            queryset = queryset.filter(i_user__language_id=kwargs["language"])
        if kwargs.get("birth_date_from"):
            queryset = queryset.filter(officer__dob__gte=kwargs["birth_date_from"])
        if kwargs.get("birth_date_to"):
            queryset = queryset.filter(officer__dob__lte=kwargs["birth_date_to"])
        types = {getattr(value, "name", value) for value in kwargs.get("user_types") or []}
        if "INTERACTIVE" in types:
            queryset = queryset.filter(i_user__isnull=False)
        if "OFFICER" in types:
            queryset = queryset.filter(officer__isnull=False)
        if "CLAIM_ADMIN" in types:
            queryset = queryset.filter(claim_admin__isnull=False)
        district_ids = [kwargs[key] for key in ("district_id",) if kwargs.get(key)]
        if district_ids:
            queryset = queryset.filter(i_user__userdistrict__location_id__in=district_ids,
                                       i_user__userdistrict__validity_to__isnull=True)
        region_ids = list(kwargs.get("region_ids") or [])
        if kwargs.get("region_id"):
            region_ids.append(kwargs["region_id"])
        if region_ids:
            queryset = queryset.filter(i_user__userdistrict__location__parent_id__in=region_ids,
                                       i_user__userdistrict__validity_to__isnull=True)
        if kwargs.get("client_mutation_id"):
            queryset = queryset.filter(mutations__mutation__client_mutation_id=kwargs["client_mutation_id"])
        return queryset.distinct()

    def resolve_interactive_users(self, info, **kwargs):
        queryset = selectors.interactive_users(show_history=bool(kwargs.get("show_history")))
        return queryset

    def resolve_role(self, info, **kwargs):
        queryset = selectors.roles(show_history=bool(kwargs.get("show_history")))
        if kwargs.get("is_system") is not None:
            queryset = (queryset.filter(is_system__gt=0) if kwargs["is_system"]
                        else queryset.filter(is_system=0))
        if kwargs.get("system_role_id") is not None:
            queryset = queryset.filter(is_system=kwargs["system_role_id"])
        if kwargs.get("role_right") is not None:
            queryset = queryset.filter(rights__right_id=kwargs["role_right"],
                                       rights__validity_to__isnull=True)
        if kwargs.get("str"):
            queryset = queryset.filter(name__icontains=kwargs["str"])
        return queryset.distinct()

    def resolve_role_right(self, info, **kwargs):
        return selectors.role_rights()

    def resolve_modules_permissions(self, info):
        modules = []
        for config in module_configs():
            if config.rights:
                permissions = [PermissionOpenImisGQLType(perms_name=name, perms_value=code)
                               for name, code in config.rights.items()]
                modules.append(ModulePermissionGQLType(module_name=config.logical_name,
                                                       permissions=permissions))
        return ModulePermissionsListGQLType(module_perms_list=modules)

    def resolve_languages(self, info):
        return selectors.languages()

    def resolve_module_configurations(self, info, validity=None, layer=None):
        return selectors.exposed_module_configurations(layer)

    def resolve_mutation_logs(self, info, **kwargs):
        return selectors.mutation_logs_for(info.context.user)

    def resolve_enrolment_officers(self, info, **kwargs):
        return selectors.enrolment_officers(kwargs.get("str"))

    def resolve_substitution_enrolment_officers(self, info, **kwargs):
        return selectors.substitution_enrolment_officers(
            kwargs.get("villages_uuids"), kwargs.get("officer_uuid"), kwargs.get("str"))

    def resolve_user_obligatory_fields(self, info):
        return selectors.user_obligatory_fields()

    def resolve_eo_obligatory_fields(self, info):
        return selectors.eo_obligatory_fields()

    def resolve_custom_filters(self, info, module_name, object_type_name, uuid_of_object=None,
                               additional_params=None):
        return selectors.custom_filters(module_name, object_type_name, uuid_of_object, additional_params)

    def resolve_validate_username(self, info, username):
        return selectors.username_is_free(username)

    def resolve_validate_user_email(self, info, user_email):
        return selectors.email_is_free(user_email)

    def resolve_validate_role_name(self, info, role_name):
        return selectors.role_name_is_free(role_name)

    def resolve_username_length(self, info):
        return USERNAME_LENGTH

    def resolve_password_policy(self, info):
        return dict(passwords.DEFAULT_POLICY)
