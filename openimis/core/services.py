"""Every write of the core module: users, roles, passwords, languages. Plain Python, one transaction each."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.core import hook_registry, hooks, inputs, passwords, selectors, unique
from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.models import (
    InteractiveUser,
    Language,
    Officer,
    Role,
    RoleRight,
    User,
    UserRole,
)
from openimis.core.rights import IMIS_ADMIN_SYSTEM_ROLE, SYSTEM_ROLES, USER_EDIT

DEFAULT_LANGUAGES = [("en", "English", 0), ("fr", "Français", 1)]
USER_TYPES = {"INTERACTIVE", "OFFICER", "TECHNICAL", "CLAIM_ADMIN"}
PASSWORD_RESET_HOURS = 24


def audit_id(actor: User | None) -> int:
    return (actor.id_for_audit if actor else None) or 0


# --- reference data ------------------------------------------------------------------------

@transaction.atomic
def ensure_reference_data() -> None:
    """Languages and the IMIS Administrator system role, which every installation needs."""
    for code, name, order in DEFAULT_LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    if not Role.objects.current().filter(is_system=IMIS_ADMIN_SYSTEM_ROLE).exists():
        Role.objects.create(name=SYSTEM_ROLES[IMIS_ADMIN_SYSTEM_ROLE], is_system=IMIS_ADMIN_SYSTEM_ROLE)


# --- authentication ------------------------------------------------------------------------

def authenticate(username: str, password: str) -> User | None:
    """The user when the password matches: the Django hash, or, while the user has none yet (imported from
    openIMIS), the legacy openIMIS hash, re-hashed now. Once a Django hash exists the legacy one no longer
    counts: a password changed here must not keep its old openIMIS value alive."""
    user = selectors.find_login_user(username)
    if user is None or not password:
        return None
    if user.has_usable_password():
        return user if user.check_password(password) else None
    i_user = user.i_user
    if i_user and passwords.legacy_password_matches(password, i_user.stored_password, i_user.private_key):
        with transaction.atomic():
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
    return None


@transaction.atomic
def record_login(user: User) -> None:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now)
    if user.i_user_id:
        InteractiveUser.objects.filter(pk=user.i_user_id).update(last_login=now)


# --- users ---------------------------------------------------------------------------------

def _user_types(data: dict) -> set[str]:
    types = {str(getattr(value, "name", value)).upper() for value in (data.get("user_types") or [])}
    unknown = types - USER_TYPES
    if unknown:
        raise ValidationFailed(_("Unknown user type: %(types)s") % {"types": ", ".join(sorted(unknown))})
    if not types:
        raise ValidationFailed(_("userTypes is mandatory"))
    return types


def _language(code: str | None) -> Language:
    code = code or "en"
    language = Language.objects.filter(code=code).first()
    if language is None:
        raise ValidationFailed(_("Unknown language: %(code)s") % {"code": code})
    return language


def _is_admin_actor(actor: User | None) -> bool:
    """`None` is the system itself (commands, demo data); otherwise an IMIS administrator."""
    return actor is None or actor.is_imis_admin


def _guard_administrator(actor: User | None, target: User) -> None:
    """Only an IMIS administrator may change an IMIS administrator (else a user editor could take
    over the administrator's account)."""
    if not _is_admin_actor(actor) and target.is_imis_admin:
        raise PermissionDenied(_("Only an IMIS administrator can change an IMIS administrator"))


def _set_roles(actor: User | None, i_user: InteractiveUser, role_ids: Iterable[int]) -> None:
    wanted = {int(role_id) for role_id in role_ids}
    found = dict(Role.objects.current().filter(id__in=wanted).values_list("id", "is_system"))
    missing = wanted - set(found)
    if missing:
        raise ValidationFailed(_("Unknown role: %(roles)s")
                               % {"roles": ", ".join(str(m) for m in sorted(missing))})
    now = timezone.now()
    current = UserRole.objects.current().filter(user=i_user)
    kept = set(current.filter(role_id__in=wanted).values_list("role_id", flat=True))
    granted_admin = any(found[role_id] & IMIS_ADMIN_SYSTEM_ROLE for role_id in wanted - kept)
    if granted_admin and not _is_admin_actor(actor):
        raise PermissionDenied(_("Only an IMIS administrator can grant the IMIS Administrator role"))
    current.exclude(role_id__in=wanted).update(validity_to=now)
    UserRole.objects.bulk_create(
        UserRole(user=i_user, role_id=role_id, audit_user_id=audit_id(actor)) for role_id in wanted - kept)


def _fill_interactive_user(i_user: InteractiveUser, data: dict, username: str) -> None:
    i_user.login_name = username
    i_user.last_name = inputs.text(data, "last_name", _("Last name"), 100, required=True)
    i_user.other_names = inputs.text(data, "other_names", _("Other names"), 100, required=True)
    i_user.phone = data.get("phone") or None
    i_user.email = data.get("email") or None
    i_user.language = _language(data.get("language"))
    i_user.health_facility_id = data.get("health_facility_id")


def _substitution_officer_id(officer: Officer, substitute_id) -> int | None:
    if substitute_id in (None, ""):
        return None
    substitute_id = int(substitute_id)
    exists = Officer.objects.current().filter(id=substitute_id).exclude(id=officer.pk).exists()
    if not exists:
        raise ValidationFailed(_("Unknown substitution officer: %(id)s") % {"id": substitute_id})
    return substitute_id


def _fill_officer(officer: Officer, data: dict, username: str) -> None:
    officer.code = username
    officer.last_name = inputs.text(data, "last_name", _("Last name"), 100, required=True)
    officer.other_names = inputs.text(data, "other_names", _("Other names"), 100, required=True)
    officer.phone = data.get("phone") or None
    officer.email = data.get("email") or None
    officer.dob = inputs.as_date(data.get("birth_date"))
    officer.address = data.get("address") or None
    officer.works_to = inputs.as_datetime(data.get("works_to"))
    officer.location_id = data.get("location_id")  # checked by the location module (hook USER_SAVED)
    officer.substitution_officer_id = _substitution_officer_id(officer, data.get("substitution_officer_id"))
    officer.phone_communication = data.get("phone_communication")
    officer.has_login = True


def username_taken(username: str) -> ValidationFailed:
    """The refusal of a username another current user has (each flavour of a user carries it)."""
    return ValidationFailed(_("Username %(username)s is already taken") % {"username": username})


unique.refusal("core_user_unique_current_username")(lambda user: username_taken(user.username))
unique.refusal("core_interactiveuser_unique_current_login_name")(
    lambda i_user: username_taken(i_user.login_name))
unique.refusal("core_officer_unique_current_code")(lambda officer: username_taken(officer.code))


@unique.refusal("core_role_unique_current_name")
def _role_name_taken(role: Role) -> ValidationFailed:
    return ValidationFailed(_("Role name %(name)s is already used") % {"name": role.name})


def _validate_user_input(data: dict, user: User | None) -> tuple[str, set[str]]:
    """Checks that need no write, so that a refused mutation fails before touching any table."""
    username = inputs.text(data, "username", _("Username"), 50, required=True)
    if not selectors.username_is_free(username, except_user_id=user.id if user else None):
        raise username_taken(username)
    email = data.get("email")
    if email and not selectors.email_is_free(email, user.i_user_id if user else None):
        raise ValidationFailed(_("E-mail %(email)s is already used by another user") % {"email": email})
    if data.get("password"):
        passwords.check_policy(data["password"])
    types = _user_types(data)
    if "TECHNICAL" in types:
        raise ValidationFailed(_("User type TECHNICAL is not supported"))
    for other_type in types - {"INTERACTIVE", "OFFICER"}:
        if not hook_registry.handlers(hooks.USER_TYPE_SAVED):
            message = _("User type %(type)s needs a module that is not enabled") % {"type": other_type}
            raise ValidationFailed(message, f"no enabled module saves users of type {other_type}")
    return username, types


def _saved_profile(actor: User, existing, model, fill):
    """A user's profile of one type (interactive user, officer): the existing row with its history kept,
    or a new one; filled by `fill`, saved."""
    row = existing or model(audit_user_id=audit_id(actor))
    if row.pk:
        row.save_history(audit_id(actor))
    fill(row)
    unique.save(row)
    return row


def _save_user_flavours(actor: User, user: User, data: dict, username: str, types: set[str]) -> None:
    if "INTERACTIVE" in types:
        user.i_user = _saved_profile(actor, user.i_user, InteractiveUser,
                                     lambda i_user: _fill_interactive_user(i_user, data, username))
        _set_roles(actor, user.i_user, data.get("roles") or [])
    if "OFFICER" in types:
        user.officer = _saved_profile(actor, user.officer, Officer,
                                      lambda officer: _fill_officer(officer, data, username))


def _save_other_user_types(actor: User | None, user: User, data: dict, types: set[str]) -> None:
    """Flavours owned by other modules (CLAIM_ADMIN: claim), once the login user row exists."""
    for other_type in sorted(types - {"INTERACTIVE", "OFFICER"}):
        hook_registry.call(hooks.USER_TYPE_SAVED, actor, user, other_type, data)


@transaction.atomic
def create_user(actor: User | None, data: dict) -> User:
    username, types = _validate_user_input(data, None)
    user = User(username=username)
    if data.get("password"):
        user.set_password(data["password"])
    else:
        user.set_unusable_password()
    _save_user_flavours(actor, user, data, username, types)
    unique.save(user)
    _save_other_user_types(actor, user, data, types)
    hook_registry.call(hooks.USER_SAVED, actor, user, data)
    return user


def _find_user(user_uuid) -> User:
    user_uuid = inputs.as_uuid(user_uuid) or user_uuid  # the id of a user is a UUID column
    user = (selectors.current_users().select_related("i_user", "officer", "claim_admin")
            .filter(id=user_uuid).first())
    if user is None:
        raise NotFound(_("User not found"), str(user_uuid))
    return user


@transaction.atomic
def update_user(actor: User | None, data: dict) -> User:
    if not data.get("uuid"):
        raise ValidationFailed(_("uuid is mandatory to update a user"))
    user = _find_user(data["uuid"])
    _guard_administrator(actor, user)
    username, types = _validate_user_input(data, user)
    user.username = username
    if data.get("password"):
        user.set_password(data["password"])
    _save_user_flavours(actor, user, data, username, types)
    unique.save(user)
    _save_other_user_types(actor, user, data, types)
    hook_registry.call(hooks.USER_SAVED, actor, user, data)
    return user


@transaction.atomic
def delete_user(actor: User | None, user_uuid) -> User:
    user = _find_user(user_uuid)
    if actor is not None and user.pk == actor.pk:
        raise ValidationFailed(_("You cannot delete yourself"))
    _guard_administrator(actor, user)
    now = timezone.now()
    if user.i_user_id:
        user.i_user.delete_history(audit_id(actor))
        UserRole.objects.current().filter(user_id=user.i_user_id).update(validity_to=now)
    if user.officer_id:
        user.officer.delete_history(audit_id(actor))
    hook_registry.call(hooks.USER_DELETED, actor, user)
    user.validity_to = now
    user.save(update_fields=["validity_to"])
    return user


# --- roles ---------------------------------------------------------------------------------

def _role_system_value(data: dict) -> int:
    if not data.get("is_system"):
        return 0
    system_role_id = data.get("system_role_id")
    if system_role_id not in SYSTEM_ROLES:
        raise ValidationFailed(_("A system role needs a known systemRoleId"))
    return int(system_role_id)


def _set_role_rights(actor: User | None, role: Role, right_ids: Iterable[int]) -> None:
    wanted = {int(right_id) for right_id in right_ids}
    now = timezone.now()
    current = RoleRight.objects.current().filter(role=role)
    current.exclude(right_id__in=wanted).update(validity_to=now)
    kept = set(current.values_list("right_id", flat=True))
    RoleRight.objects.bulk_create(
        RoleRight(role=role, right_id=right_id, audit_user_id=audit_id(actor)) for right_id in wanted - kept)


def _fill_role(actor: User | None, role: Role, data: dict) -> None:
    role.name = inputs.text(data, "name", _("Role name"), 50, required=True)
    if not selectors.role_name_is_free(role.name, except_role_id=role.pk):
        raise _role_name_taken(role)
    role.alt_language = data.get("alt_language") or None
    role.is_system = _role_system_value(data)
    if role.is_system & IMIS_ADMIN_SYSTEM_ROLE and not _is_admin_actor(actor):
        raise PermissionDenied(_("Only an IMIS administrator can create an IMIS Administrator role"))
    role.is_blocked = bool(data.get("is_blocked"))


@transaction.atomic
def create_role(actor: User | None, data: dict) -> Role:
    role = Role(audit_user_id=audit_id(actor))
    _fill_role(actor, role, data)
    unique.save(role)
    _set_role_rights(actor, role, data.get("rights_id") or [])
    return role


def _find_role(role_uuid) -> Role:
    role = Role.objects.current().filter(uuid=role_uuid).first() if role_uuid else None
    if role is None:
        raise NotFound(_("Role not found"), str(role_uuid))
    return role


@transaction.atomic
def update_role(actor: User | None, data: dict) -> Role:
    role = _find_role(data.get("uuid"))
    if role.is_system:
        raise ValidationFailed(_("A system role cannot be changed"))
    _fill_role(actor, role, data)
    role.save_history(audit_id(actor))
    unique.save(role)
    _set_role_rights(actor, role, data.get("rights_id") or [])
    return role


@transaction.atomic
def duplicate_role(actor: User | None, data: dict) -> Role:
    source = _find_role(data.get("uuid"))
    copy = Role(audit_user_id=audit_id(actor))
    _fill_role(actor, copy, {**data, "is_system": False})
    unique.save(copy)
    rights = data.get("rights_id")
    if rights is None:
        rights = RoleRight.objects.current().filter(role=source).values_list("right_id", flat=True)
    _set_role_rights(actor, copy, rights)
    return copy


@transaction.atomic
def delete_role(actor: User | None, role_uuid) -> Role:
    role = _find_role(role_uuid)
    if role.is_system:
        raise ValidationFailed(_("A system role cannot be deleted"))
    if UserRole.objects.current().filter(role=role, user__validity_to__isnull=True).exists():
        raise ValidationFailed(_("Role %(name)s is assigned to users") % {"name": role.name})
    role.delete_history(audit_id(actor))
    RoleRight.objects.current().filter(role=role).update(validity_to=role.validity_to)
    return role


# --- passwords and language ----------------------------------------------------------------

@transaction.atomic
def change_password(actor: User, username: str | None, old_password: str | None, new_password: str) -> None:
    if username and username != actor.username:
        if not actor.has_any_right([USER_EDIT]):
            raise PermissionDenied()
        target = selectors.find_login_user(username)
        if target is None:
            raise NotFound(_("User not found"), username)
        _guard_administrator(actor, target)
    else:
        target = actor
        if authenticate(actor.username, old_password or "") is None:
            raise ValidationFailed(_("The old password is wrong"))
    passwords.check_policy(new_password)
    target.set_password(new_password)
    target.save(update_fields=["password"])


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def request_password_reset(username: str) -> None:
    """E-mail a one-time token to the user. Says nothing about whether the user exists."""
    user = selectors.find_login_user(username)
    if user is None or not user.i_user_id or not user.i_user.email:
        return
    token = secrets.token_urlsafe(32)
    InteractiveUser.objects.filter(pk=user.i_user_id).update(
        password_reset_token=_token_digest(token),
        password_reset_expires=timezone.now() + datetime.timedelta(hours=PASSWORD_RESET_HOURS))
    link = f"{settings.FRONTEND_URL}/set_password?{urlencode({'token': token, 'username': username})}"
    send_mail("openIMIS password reset", f"Set a new password: {link}\nThe token is: {token}",
              settings.DEFAULT_FROM_EMAIL, [user.i_user.email])


@transaction.atomic
def set_password_with_token(username: str, token: str, new_password: str) -> None:
    user = selectors.find_login_user(username)
    i_user = user.i_user if user else None
    valid = (i_user is not None and i_user.password_reset_token
             and hmac.compare_digest(i_user.password_reset_token, _token_digest(token or ""))
             and i_user.password_reset_expires and i_user.password_reset_expires > timezone.now())
    if not valid:
        raise ValidationFailed(_("Invalid or expired token"))
    passwords.check_policy(new_password)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    InteractiveUser.objects.filter(pk=i_user.pk).update(password_reset_token=None,
                                                        password_reset_expires=None)


@transaction.atomic
def change_user_language(actor: User, language_code: str) -> None:
    if not actor.i_user_id:
        raise ValidationFailed(_("Only interactive users have a language"))
    InteractiveUser.objects.filter(pk=actor.i_user_id).update(language=_language(language_code))


# --- administrators (serve --demo, createsuperuser) -----------------------------------------

@transaction.atomic
def create_administrator(username: str, password: str | None, last_name: str, other_names: str,
                         email: str | None = None) -> User:
    ensure_reference_data()
    admin_role = Role.objects.current().filter(is_system=IMIS_ADMIN_SYSTEM_ROLE).first()
    data = {"username": username, "last_name": last_name, "other_names": other_names, "email": email,
            "language": "en", "roles": [admin_role.id], "user_types": ["INTERACTIVE"]}
    user = create_user(None, {**data, "password": None})
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def create_plain_user(username: str, password: str | None = None, **extra) -> User:
    ensure_reference_data()
    data = {"username": username, "last_name": extra.get("last_name") or username,
            "other_names": extra.get("other_names") or username, "email": extra.get("email"),
            "language": "en", "user_types": ["INTERACTIVE"], "roles": []}
    user = create_user(None, data)
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
