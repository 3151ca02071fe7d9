"""Reads of the core module: rights of a user, users, roles, officers, logs."""

from __future__ import annotations

import copy
import json

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from openimis.core import inputs
from openimis.core.configuration import module_config
from openimis.core.models import (
    InteractiveUser,
    Language,
    ModuleConfiguration,
    MutationLog,
    Officer,
    Role,
    RoleRight,
    User,
    UserRole,
)
from openimis.core.rights import IMIS_ADMIN_SYSTEM_ROLE


def _current_roles_of(user: User) -> QuerySet:
    return UserRole.objects.current().filter(
        user_id=user.i_user_id, role__validity_to__isnull=True, role__is_blocked=False)


def rights_of_user(user: User) -> frozenset[int]:
    if not user.i_user_id:
        return frozenset()
    role_ids = _current_roles_of(user).values("role_id")
    return frozenset(RoleRight.objects.current().filter(role_id__in=role_ids)
                     .values_list("right_id", flat=True).distinct())


def with_admin_flag(queryset: QuerySet) -> QuerySet:
    """Users with `is_imis_admin_flag`: whether one of their current roles is the IMIS administrator's
    (the same rule as `is_imis_admin`, read with the user in one statement)."""
    admin_roles = UserRole.objects.current().filter(
        user_id=OuterRef("i_user_id"), role__validity_to__isnull=True, role__is_blocked=False,
    ).annotate(admin_bit=F("role__is_system").bitand(IMIS_ADMIN_SYSTEM_ROLE)).filter(admin_bit__gt=0)
    return queryset.annotate(is_imis_admin_flag=Exists(admin_roles))


def is_imis_admin(user: User) -> bool:
    if not user.i_user_id:
        return False
    return any(is_system & IMIS_ADMIN_SYSTEM_ROLE for is_system in
               _current_roles_of(user).values_list("role__is_system", flat=True))


def current_users() -> QuerySet:
    return User.objects.current()


def find_login_user(username: str) -> User | None:
    return current_users().select_related("i_user").filter(username=username).first()


def users(show_history: bool = False) -> QuerySet:
    queryset = User.all_objects.all()
    return queryset if show_history else queryset.current()


def interactive_users(show_history: bool = False) -> QuerySet:
    return InteractiveUser.objects.all() if show_history else InteractiveUser.objects.current()


def roles(show_history: bool = False) -> QuerySet:
    return Role.objects.all() if show_history else Role.objects.current()


def role_rights() -> QuerySet:
    return RoleRight.objects.current()


def enrolment_officers(search: str | None = None) -> QuerySet:
    queryset = Officer.objects.current()
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(last_name__icontains=search)
                                   | Q(other_names__icontains=search))
    return queryset


def substitution_enrolment_officers(villages_uuids, officer_uuid: str | None = None,
                                    search: str | None = None) -> QuerySet:
    """The officers who may stand in for an officer: the current officers (the same rows as
    `enrolment_officers`), other than `officer_uuid`, who currently serve every one of the given villages
    (24.10 means this with its count of villages, but counts over two joins and so can also offer an
    officer who serves only some of them). As in 24.10, no village given finds nobody, and `search` matches
    the start of the code, the names or the e-mail."""
    villages = set(villages_uuids or ())
    if not villages:
        return Officer.objects.none()
    serving = (Officer.objects.current()
               .filter(officer_villages__validity_to__isnull=True,
                       officer_villages__location__validity_to__isnull=True,
                       officer_villages__location__uuid__in=villages)
               .values("pk")
               .annotate(served=Count("officer_villages__location__uuid", distinct=True))
               .filter(served=len(villages))
               .values("pk"))
    queryset = Officer.objects.current().filter(pk__in=serving)
    if officer_uuid:
        queryset = queryset.exclude(uuid=officer_uuid)
    if search:
        queryset = queryset.filter(Q(code__istartswith=search) | Q(last_name__istartswith=search)
                                   | Q(other_names__istartswith=search) | Q(email__istartswith=search))
    return queryset


def user_obligatory_fields() -> dict:
    """The user form's field controls (core configuration `fields_controls_user`)."""
    return copy.deepcopy(module_config("core").get("fields_controls_user") or {})


def eo_obligatory_fields() -> dict:
    """The enrolment officer form's field controls (core configuration `fields_controls_eo`)."""
    return copy.deepcopy(module_config("core").get("fields_controls_eo") or {})


def custom_filter_definitions(module_name: str, object_type_name: str, uuid_of_object: str | None = None,
                              additional_params: dict | None = None) -> list[dict]:
    """The advanced filters of a module's object type, `[{"field", "filter": [lookups], "type"}]`.

    In openIMIS 24.10 they come from the "custom filter wizards" that modules register (a `custom_filters.py`
    of the module): only modules of the social protection stack have any (social_protection's
    beneficiaries, on the fields of their `jsonExt`), none of the insurance modules. This program has no
    such module, so every module and object type has none: what 24.10 answers for the insurance ones."""
    return []


def custom_filters(module_name: str, object_type_name: str, uuid_of_object: str | None = None,
                   additional_params: dict | None = None) -> dict:
    """The `customFilters` answer: the module (`code`), the object type (`type`) and its filters."""
    return {
        "object_class_name": None,
        "code": module_name,
        "type": object_type_name,
        "possible_filters": custom_filter_definitions(module_name, object_type_name, uuid_of_object,
                                                      additional_params),
    }


def languages() -> QuerySet:
    return Language.objects.all()


def mutation_logs_for(user: User) -> QuerySet:
    queryset = MutationLog.objects.all()
    return queryset if user.is_imis_admin else queryset.filter(user=user)


def exposed_module_configurations(layer: str | None = None) -> list[ModuleConfiguration]:
    """The configurations the frontend reads: the stored, exposed ones, plus the frontend configuration
    that enabled modules declare (`frontend_config`) for frontend modules with no stored row."""
    queryset = ModuleConfiguration.objects.filter(is_exposed=True).prefetch_related("controls")
    if layer:
        queryset = queryset.filter(layer=layer.lower())
    stored = list(queryset)
    if layer and layer.lower() != "fe":
        return stored
    stored_frontend = {configuration.module for configuration in stored if configuration.layer == "fe"}
    declared = [ModuleConfiguration(module=module, layer="fe", config=json.dumps(config), is_exposed=True)
                for module, config in declared_frontend_configurations().items()
                if module not in stored_frontend]
    return stored + declared


def declared_frontend_configurations() -> dict[str, dict]:
    """`fe-<module>` -> configuration, merged from the enabled modules' `frontend_config` declarations."""
    from openimis.modules import module_configs

    merged: dict[str, dict] = {}
    for config in module_configs():
        for module, values in config.frontend_configuration().items():
            merged.setdefault(module, {}).update(values)
    return merged


def username_is_free(username: str, except_user_id=None) -> bool:
    queryset = current_users().filter(username=username)
    if except_user_id:
        queryset = queryset.exclude(id=except_user_id)
    return not queryset.exists()


def email_is_free(email: str, except_interactive_user_id=None) -> bool:
    queryset = InteractiveUser.objects.current().filter(email__iexact=email)
    if except_interactive_user_id:
        queryset = queryset.exclude(id=except_interactive_user_id)
    return not queryset.exists()


def role_name_is_free(name: str, except_role_id=None) -> bool:
    queryset = Role.objects.current().filter(name__iexact=name)
    if except_role_id:
        queryset = queryset.exclude(id=except_role_id)
    return not queryset.exists()


def newest_first(queryset: QuerySet) -> QuerySet:
    """Versioned rows, the current one first, then the most recently ended."""
    return queryset.order_by(F("validity_to").desc(nulls_first=True), "-id")


def row_by(queryset: QuerySet, uuid=None, pk=None):
    """One row of `queryset` (row security already applied) by id, or by uuid (the current row, else the
    newest that held it). An id that is not a number, or a uuid that is not a UUID, is not found."""
    if pk is not None:
        pk = inputs.id_or_none(pk)
        return queryset.filter(pk=pk).first() if pk else None
    if inputs.uuid_or_none(uuid) is None:
        return None
    return newest_first(queryset.filter(uuid=str(uuid))).first()
