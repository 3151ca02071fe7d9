"""GraphQL types of the core module, named and shaped as in the openIMIS 24.10 API."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from openimis.core import rights as core_rights
from openimis.core.models import (
    FieldControl,
    InteractiveUser,
    Language,
    ModuleConfiguration,
    MutationLog,
    Officer,
    Role,
    RoleRight,
    User,
    UserMutation,
    UserRole,
)
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.filter_fields import EXACT_OR_CONTAINS, HISTORY_FIELDS, prefixed
from openimis.graphql.loading import Needs, RelatedRows, declare_relation, prefetched
from openimis.graphql.types import OpenIMISNodeType

# the filters of an enrolment officer, also reached through the relations that lead to one
OFFICER_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "code": EXACT_OR_CONTAINS,
    "last_name": EXACT_OR_CONTAINS,
    "other_names": EXACT_OR_CONTAINS,
    "dob": ["exact"],
}

# Types of other modules, named lazily: core's code does not import the modules that own them.
HEALTH_FACILITY_TYPE = "openimis.location.gql.types.HealthFacilityGQLType"
CLAIM_ADMIN_TYPE = "openimis.claim.gql.types.ClaimAdminGQLType"

CURRENT_RIGHTS = "current_rights"


def is_prefetched(instance, relation: str) -> bool:
    return relation in getattr(instance, "_prefetched_objects_cache", {})


class UserTypes(graphene.Enum):
    INTERACTIVE = "INTERACTIVE"
    OFFICER = "OFFICER"
    TECHNICAL = "TECHNICAL"
    CLAIM_ADMIN = "CLAIM_ADMIN"


class LanguageGQLType(DjangoObjectType):
    class Meta:
        model = Language
        fields = ("code", "name", "sort_order", "interactiveuser_set")


class ModuleConfigurationLayer(graphene.Enum):
    FE = "fe"
    BE = "be"


class FieldControlGQLType(DjangoObjectType):
    class Meta:
        model = FieldControl
        fields = ("id", "module", "field", "usage")


class ModuleConfigurationGQLType(DjangoObjectType):
    layer = graphene.Field(ModuleConfigurationLayer, required=True)
    controls = graphene.List(graphene.NonNull(FieldControlGQLType), required=True)

    class Meta:
        model = ModuleConfiguration
        fields = ("id", "module", "layer", "version", "config", "is_exposed", "is_disabled_until", "controls")

    def resolve_layer(self, info):
        return self.layer

    def resolve_controls(self, info):
        if self._state.adding:  # a configuration declared by a module, not stored
            return []
        return self.controls.all()


class RoleRightGQLType(OpenIMISNodeType):
    read_rights = (core_rights.ROLE_SEARCH,)

    class Meta:
        model = RoleRight
        interfaces = (graphene.relay.Node,)
        fields = ("id", "role", "right_id", *HISTORY_FIELDS)
        filter_fields = {
            "id": ["exact"],
            "right_id": ["exact"],
            "role__id": ["exact"],
            "role__uuid": ["exact"],
            "role__name": ["exact", "istartswith", "icontains", "iexact"],
            "role__is_blocked": ["exact"],
        }


class RoleGQLType(OpenIMISNodeType):
    read_rights = (core_rights.ROLE_SEARCH,)
    system_role_id = graphene.Int()
    rights = OpenIMISConnectionField(RoleRightGQLType, order_by=False, required=True)

    class Meta:
        model = Role
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "name", "alt_language", "is_system", "is_blocked", "rights", "user_roles",
                  *HISTORY_FIELDS)
        filter_fields = {
            "id": ["exact"],
            "uuid": ["exact"],
            "name": ["exact", "istartswith", "icontains", "iexact"],
            "is_blocked": ["exact"],
        }

    def resolve_rights(self, info, **kwargs):
        rows = prefetched(self, CURRENT_RIGHTS, kwargs)
        return rows if rows is not None else self.rights.current()

    def resolve_system_role_id(self, info):
        return self.is_system or None

    def resolve_user_roles(self, info):
        return self.user_roles.current()


class UserRoleGQLType(DjangoObjectType):
    class Meta:
        model = UserRole
        fields = ("id", "user", "role", *HISTORY_FIELDS)


class InteractiveUserGQLType(OpenIMISNodeType):
    read_rights = (core_rights.USER_SEARCH,)
    language_id = graphene.String()
    roles = graphene.List(RoleGQLType)
    health_facility_id = graphene.Int()
    health_facility = graphene.Field(HEALTH_FACILITY_TYPE)

    class Meta:
        model = InteractiveUser
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "language", "last_name", "other_names", "phone", "login_name", "last_login",
                  "health_facility_id", "health_facility", "email", "password_validity", "is_associated",
                  "role_id", "user_roles", "user_set", "userdistrict_set", *HISTORY_FIELDS)
        filter_fields = {
            "id": ["exact"],
            "uuid": ["exact"],
            "last_name": ["icontains"],
            "other_names": ["icontains"],
            "phone": ["iexact"],
            "login_name": ["iexact"],
            "email": ["iexact"],
            "is_associated": ["exact"],
            "language_id": ["exact"],
        }

    def resolve_language_id(self, info):
        return self.language_id

    def resolve_roles(self, info):
        if is_prefetched(self, "user_roles"):
            roles = {user_role.role_id: user_role.role for user_role in self.user_roles.all()
                     if user_role.validity_to is None and user_role.role.validity_to is None}
            return list(roles.values())
        return Role.objects.filter(validity_to__isnull=True, user_roles__user=self,
                                   user_roles__validity_to__isnull=True)

    def resolve_user_roles(self, info):
        if is_prefetched(self, "user_roles"):
            return [user_role for user_role in self.user_roles.all() if user_role.validity_to is None]
        return self.user_roles.current()

    def resolve_userdistrict_set(self, info):
        if is_prefetched(self, "userdistrict_set"):
            return [district for district in self.userdistrict_set.all() if district.validity_to is None]
        return self.userdistrict_set.current()


class OfficerGQLType(OpenIMISNodeType):
    read_rights = (core_rights.ENROLMENT_OFFICER_SEARCH, core_rights.USER_SEARCH)

    class Meta:
        model = Officer
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "code", "last_name", "other_names", "dob", "phone", "email", "address",
                  "location", "substitution_officer", "works_to", "veo_code", "veo_last_name",
                  "veo_other_names", "veo_dob", "veo_phone", "phone_communication", "has_login", "json_ext",
                  "officer_villages", "user_set", "officer_set", *HISTORY_FIELDS)
        filter_fields = {
            "id": ["exact"],
            "uuid": ["exact"],
            "code": ["exact", "icontains"],
            "last_name": ["exact", "icontains"],
            "other_names": ["exact", "icontains"],
            "dob": ["exact"],
        }

    def resolve_officer_villages(self, info):
        return self.officer_villages.current()


class UserMutationGQLType(DjangoObjectType):
    class Meta:
        model = UserMutation
        fields = ("id", "core_user", "mutation")


def _profile_of(user: User):
    """The interactive user or, failing that, the officer or claim administrator behind a login."""
    return user.i_user or user.officer or user.claim_admin


class UserGQLType(OpenIMISNodeType):
    read_rights = (core_rights.USER_SEARCH,)
    client_mutation_id = graphene.String()
    rights = graphene.List(graphene.String)
    other_names = graphene.String()
    last_name = graphene.String()
    email = graphene.String()
    phone = graphene.String()
    claim_admin = graphene.Field(CLAIM_ADMIN_TYPE)
    health_facility = graphene.Field(HEALTH_FACILITY_TYPE)

    class Meta:
        model = User
        interfaces = (graphene.relay.Node,)
        fields = ("id", "validity_from", "validity_to", "legacy_id", "username", "i_user", "officer",
                  "claim_admin", "mutations", "mutationlog_set")
        filter_fields = {
            "id": ["exact"],
            "username": ["exact", "icontains"],
            "i_user__id": ["exact"],
            "i_user__uuid": ["exact"],
            "i_user__last_name": ["icontains"],
            "i_user__other_names": ["icontains"],
            "i_user__phone": ["iexact"],
            "i_user__login_name": ["iexact"],
            "i_user__email": ["iexact"],
            "i_user__is_associated": ["exact"],
            "i_user__language_id": ["exact"],
            **prefixed("officer__", OFFICER_FILTER_FIELDS),
        }

    def resolve_client_mutation_id(self, info):
        if is_prefetched(self, "mutations"):
            links = sorted(self.mutations.all(), key=lambda link: link.mutation.request_date_time)
            link = links[-1] if links else None
        else:
            link = self.mutations.select_related("mutation").order_by("-mutation__request_date_time").first()
        return link.mutation.client_mutation_id if link else None

    def resolve_rights(self, info):
        return sorted(str(right) for right in self.rights)

    def resolve_other_names(self, info):
        profile = _profile_of(self)
        return profile.other_names if profile else None

    def resolve_last_name(self, info):
        profile = _profile_of(self)
        return profile.last_name if profile else None

    def resolve_email(self, info):
        profile = _profile_of(self)
        if profile is None:
            return None
        return profile.email if hasattr(profile, "email") else profile.email_id  # a claim admin's: emailId

    def resolve_claim_admin(self, info):
        claim_admin = self.claim_admin
        return claim_admin if claim_admin is not None and claim_admin.validity_to is None else None

    def resolve_health_facility(self, info):
        """The interactive user's health facility, else the claim administrator's."""
        if self.i_user is not None and self.i_user.health_facility_id:
            return self.i_user.health_facility
        claim_admin = self.claim_admin
        return claim_admin.health_facility if claim_admin is not None else None

    def resolve_phone(self, info):
        profile = _profile_of(self)
        return profile.phone if profile else None


class MutationLogGQLType(OpenIMISNodeType):
    class Meta:
        model = MutationLog
        interfaces = (graphene.relay.Node,)
        fields = ("id", "json_content", "user", "request_date_time", "client_mutation_id",
                  "client_mutation_label", "client_mutation_details", "status", "error", "autogenerated_code",
                  "json_ext", "users")
        filter_fields = {
            "id": ["exact"],
            "client_mutation_id": ["exact"],
            "client_mutation_label": ["exact"],
            "request_date_time": ["exact", "gte", "lte"],
            "status": ["exact", "gte"],
            "user": ["exact"],
        }

    @classmethod
    def get_queryset(cls, queryset, info):
        from openimis.core.selectors import mutation_logs_for

        user = info.context.user
        return queryset.filter(pk__in=mutation_logs_for(user).values("pk"))

    def resolve_json_ext(self, info):
        # a running mutation's progress (openimis.core.progress) while the log is at 0 (received)
        from openimis.core.progress import merged_json_ext

        return merged_json_ext(self.json_ext, self.status, self.id)


class PermissionOpenImisGQLType(graphene.ObjectType):
    perms_name = graphene.String()
    perms_value = graphene.Int()


class ModulePermissionGQLType(graphene.ObjectType):
    module_name = graphene.String()
    permissions = graphene.List(PermissionOpenImisGQLType)


class ModulePermissionsListGQLType(graphene.ObjectType):
    module_perms_list = graphene.List(ModulePermissionGQLType)


# One filterable field of an object type: its name, the lookups it accepts, its value type.
class CustomFilterOptionGQLType(graphene.ObjectType):
    field = graphene.String()
    filter = graphene.List(graphene.String)
    type = graphene.String()


# The advanced filters of a module's object type (`customFilters`): `code` is the module, `type` the object
# type, as the frontend's advanced-filter dialog reads them.
class CustomFilterGQLType(graphene.ObjectType):
    object_class_name = graphene.String()
    code = graphene.String()
    type = graphene.String()
    possible_filters = graphene.List(CustomFilterOptionGQLType)


# What computed fields read, loaded for a whole page when selected (history rows of the to-many
# relations come along and are filtered out in Python by the resolvers above).
_PROFILES = Needs(("i_user", "officer", "claim_admin"))
for _name in ("lastName", "otherNames", "email", "phone"):
    declare_relation(UserGQLType, _name, _PROFILES)
declare_relation(UserGQLType, "healthFacility",
                 Needs(("i_user__health_facility", "claim_admin__health_facility")))
declare_relation(UserGQLType, "clientMutationId", Needs(("mutations__mutation",)))
declare_relation(InteractiveUserGQLType, "roles", Needs(("user_roles__role",)))
declare_relation(InteractiveUserGQLType, "userRoles", Needs(("user_roles__role",)))
declare_relation(InteractiveUserGQLType, "userdistrictSet", Needs(("userdistrict_set__location",)))
declare_relation(RoleGQLType, "rights", RelatedRows("rights", CURRENT_RIGHTS, RoleRight.objects.current))
declare_relation(MutationLogGQLType, "users", RelatedRows("users", None, UserMutation.objects.all))
