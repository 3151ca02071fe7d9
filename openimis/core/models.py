"""Core tables: login users and their openIMIS flavours, roles and rights, languages, officers,
module configurations, the mutation log and refresh tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from openimis.core.history import VersionedModel, VersionedQuerySet, new_uuid
from openimis.core.unique import current_unique


class Language(models.Model):
    code = models.CharField(max_length=5, primary_key=True)
    name = models.CharField(max_length=50)
    sort_order = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.code


class Role(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    name = models.CharField(max_length=50)
    alt_language = models.CharField(max_length=50, null=True, blank=True)
    is_system = models.IntegerField(default=0)
    is_blocked = models.BooleanField(default=False)

    class Meta:
        # the services compare role names whatever their case
        constraints = [current_unique(name="core_role_unique_current_name", expressions=(Lower("name"),))]

    def __str__(self):
        return self.name


class RoleRight(VersionedModel):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="rights")
    right_id = models.IntegerField(db_index=True)


class InteractiveUser(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    login_name = models.CharField(max_length=50, db_index=True)
    last_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=100)
    phone = models.CharField(max_length=50, null=True, blank=True)
    email = models.CharField(max_length=200, null=True, blank=True)
    language = models.ForeignKey(Language, on_delete=models.PROTECT, default="en")
    # restricts the user's claims to one facility (the openIMIS API also shows it as `healthFacilityId`)
    health_facility = models.ForeignKey("location.HealthFacility", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="interactive_users")
    role_id = models.IntegerField(null=True, blank=True)
    is_associated = models.BooleanField(null=True, blank=True)
    last_login = models.DateTimeField(null=True, blank=True)
    password_validity = models.DateTimeField(null=True, blank=True)
    private_key = models.CharField(max_length=256, null=True, blank=True)
    stored_password = models.CharField(max_length=256, null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)
    password_reset_token = models.CharField(max_length=128, null=True, blank=True)
    password_reset_expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [current_unique("login_name", name="core_interactiveuser_unique_current_login_name")]

    def __str__(self):
        return self.login_name


class UserRole(VersionedModel):
    user = models.ForeignKey(InteractiveUser, on_delete=models.CASCADE, related_name="user_roles")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="user_roles")


class Officer(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=50, db_index=True)
    last_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=100)
    dob = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=50, null=True, blank=True)
    email = models.CharField(max_length=200, null=True, blank=True)
    address = models.CharField(max_length=1024, null=True, blank=True)
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True)
    substitution_officer = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)
    works_to = models.DateTimeField(null=True, blank=True)
    veo_code = models.CharField(max_length=50, null=True, blank=True)
    veo_last_name = models.CharField(max_length=100, null=True, blank=True)
    veo_other_names = models.CharField(max_length=100, null=True, blank=True)
    veo_dob = models.DateField(null=True, blank=True)
    veo_phone = models.CharField(max_length=25, null=True, blank=True)
    phone_communication = models.BooleanField(null=True, blank=True)
    has_login = models.BooleanField(null=True, blank=True)
    json_ext = models.JSONField(null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        constraints = [current_unique("code", name="core_officer_unique_current_code")]

    def __str__(self):
        return self.code


class UserManager(BaseUserManager):
    """The default manager sees current login users only (Django's auth commands rely on it);
    `User.all_objects` sees deleted ones too."""

    def get_queryset(self):
        return VersionedQuerySet(self.model, using=self._db).current()

    def current(self):
        return self.get_queryset()

    def get_by_natural_key(self, username):
        return self.get(username=username, validity_to__isnull=True)

    def create_superuser(self, username, password=None, **extra):
        from openimis.core import services

        return services.create_administrator(username=username, password=password,
                                             last_name=extra.get("last_name") or username,
                                             other_names=extra.get("other_names") or username,
                                             email=extra.get("email"))

    def create_user(self, username, password=None, **extra):
        from openimis.core import services

        return services.create_plain_user(username=username, password=password, **extra)


class User(AbstractBaseUser):
    """A login identity; its rights and profile come from the interactive user it links to (officer and
    claim administrator are the other flavours a login can have)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    username = models.CharField(max_length=50)
    i_user = models.ForeignKey(InteractiveUser, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="user_set")
    officer = models.ForeignKey(Officer, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="user_set")
    claim_admin = models.ForeignKey("claim.ClaimAdmin", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="user_set")
    validity_from = models.DateTimeField(default=timezone.now)
    validity_to = models.DateTimeField(null=True, blank=True)
    legacy_id = models.UUIDField(null=True, blank=True)

    objects = UserManager()
    all_objects = VersionedQuerySet.as_manager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username"], condition=models.Q(validity_to__isnull=True),
                                    name="core_user_unique_current_username"),
        ]

    def __str__(self):
        return self.username

    # --- rights (cached per instance, i.e. per request) ---
    @property
    def rights(self) -> frozenset[int]:
        if not hasattr(self, "_rights_cache"):
            from openimis.core.selectors import rights_of_user

            self._rights_cache = rights_of_user(self)
        return self._rights_cache

    @property
    def is_imis_admin(self) -> bool:
        if not hasattr(self, "_is_admin_cache"):
            from openimis.core.selectors import is_imis_admin

            self._is_admin_cache = is_imis_admin(self)
        return self._is_admin_cache

    def remember_admin(self, is_admin: bool) -> None:
        """Whether the user is an IMIS administrator, read along with the user (`with_admin_flag`)."""
        self._is_admin_cache = bool(is_admin)

    def has_any_right(self, codes) -> bool:
        if self.is_imis_admin:
            return True
        return bool(self.rights.intersection(codes))

    @property
    def id_for_audit(self) -> int | None:
        if self.i_user_id:
            return self.i_user_id
        return self.officer_id

    @property
    def language_code(self) -> str:
        return self.i_user.language_id if self.i_user_id else "en"

    # --- Django admin integration ---
    @property
    def is_active(self) -> bool:
        return self.validity_to is None

    @property
    def is_staff(self) -> bool:
        return self.is_imis_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_imis_admin

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_imis_admin

    def has_perms(self, perms, obj=None) -> bool:
        return self.is_imis_admin

    def has_module_perms(self, app_label) -> bool:
        return self.is_imis_admin


class ModuleConfiguration(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    module = models.CharField(max_length=255)
    layer = models.CharField(max_length=2, choices=[("fe", "fe"), ("be", "be")], default="be")
    version = models.CharField(max_length=10, default="1")
    config = models.TextField(default="{}")
    is_exposed = models.BooleanField(default=False)
    is_disabled_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module", "layer"], name="core_moduleconfig_unique")]


class FieldControl(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    module = models.ForeignKey(ModuleConfiguration, on_delete=models.CASCADE, related_name="controls")
    field = models.CharField(max_length=250)
    usage = models.IntegerField(null=True, blank=True)


class MutationLog(models.Model):
    RECEIVED = 0
    ERROR = 1
    SUCCESS = 2

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    json_content = models.TextField()
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    request_date_time = models.DateTimeField(default=timezone.now, db_index=True)
    client_mutation_id = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    client_mutation_label = models.CharField(max_length=255, null=True, blank=True)
    client_mutation_details = models.TextField(null=True, blank=True)
    status = models.IntegerField(default=RECEIVED, null=True)
    error = models.TextField(null=True, blank=True)
    autogenerated_code = models.CharField(max_length=255, null=True, blank=True)
    json_ext = models.JSONField(null=True, blank=True)

    class Meta:
        # the logs still at 0 (received), by age: what `openimis.core.stale_mutations` reads every minute,
        # without scanning the whole log
        indexes = [models.Index(fields=["request_date_time"], condition=models.Q(status=0),
                                name="core_mutationlog_received")]


class UserMutation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    core_user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey(MutationLog, on_delete=models.CASCADE, related_name="users")


class RefreshToken(models.Model):
    """A refresh token, stored as its SHA-256 digest; rotated on every use."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
