"""Password checks: Django's hashers, the openIMIS legacy hash, and the password policy."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openimis.core.errors import ValidationFailed

DEFAULT_POLICY = {
    "min_length": 8,
    "uppercase": 0,
    "lowercase": 1,
    "digits": 1,
    "symbols": 0,
}


def legacy_hash(password: str, private_key: str) -> str:
    """The openIMIS legacy digest: upper-case hex SHA-256 of the right-trimmed password + private key."""
    return hashlib.sha256((password.rstrip() + private_key).encode("utf-8")).hexdigest().upper()


def legacy_password_matches(password: str, stored: str | None, private_key: str | None) -> bool:
    if not stored or not private_key or stored == "locked":
        return False
    return hmac.compare_digest(legacy_hash(password, private_key).lower(), stored.lower())


def new_private_key() -> str:
    return secrets.token_hex(128)


def policy_violations(password: str, policy: dict | None = None) -> list[str]:
    policy = {**DEFAULT_POLICY, **(policy or {})}
    problems = []
    if len(password) < policy["min_length"]:
        problems.append(_("at least %(count)s characters") % {"count": policy["min_length"]})
    counts = {
        "uppercase": sum(c.isupper() for c in password),
        "lowercase": sum(c.islower() for c in password),
        "digits": sum(c.isdigit() for c in password),
        "symbols": sum(not c.isalnum() for c in password),
    }
    for key, label in (("uppercase", gettext_noop("upper-case letters")),
                       ("lowercase", gettext_noop("lower-case letters")),
                       ("digits", gettext_noop("digits")), ("symbols", gettext_noop("symbols"))):
        if counts[key] < policy[key]:
            problems.append(_("at least %(count)s %(kind)s") % {"count": policy[key], "kind": _(label)})
    return problems


def check_policy(password: str, policy: dict | None = None) -> None:
    problems = policy_violations(password, policy)
    if problems:
        raise ValidationFailed(_("The password does not follow the password policy"),
                               _("needs %(problems)s") % {"problems": ", ".join(problems)})
