"""Django authentication backend (Django admin, `changepassword`): openIMIS users and legacy hashes."""

from __future__ import annotations

from openimis.core import services
from openimis.core.models import User


class OpenIMISBackend:
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        return services.authenticate(username, password)

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, validity_to__isnull=True).first()

    def has_perm(self, user_obj, perm, obj=None):
        return getattr(user_obj, "is_imis_admin", False)

    def has_module_perms(self, user_obj, app_label):
        return getattr(user_obj, "is_imis_admin", False)
