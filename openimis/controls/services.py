"""The mobile enrolment (openIMIS 24.10 `mobileEnrollment`): a family, its other members, its policies and
their contributions, sent by the mobile app in one go and written in one transaction, all or nothing.

Each part goes through the service of the module that owns it, with that module's rules: a part whose
`uuid` names an existing record updates it, any other part is created (with the `uuid` it carries, if
any). The app numbers the policies of the enrolment itself (`mobile_id`); a contribution names its policy
by that number (`policy_id`), since a new policy has no id yet. The family ids the app sends are its own
too: the policies belong to the enrolled family, whatever `family_id` they carry.

`data` uses the snake_case names of the GraphQL input (`family`, `insurees`, `policies`, `premiums`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from openimis.contribution import selectors as contribution_selectors
from openimis.contribution import services as contribution_services
from openimis.controls.rights import MOBILE_ENROLLMENT_RIGHTS
from openimis.core.errors import PermissionDenied, ServiceError, ValidationFailed
from openimis.insuree import selectors as insuree_selectors
from openimis.insuree import services as insuree_services
from openimis.policy import selectors as policy_selectors
from openimis.policy import services as policy_services

# what the app sends besides the fields of the services: its own ids and the mutation fields that the
# 24.10 policy input carries
APP_ONLY_KEYS = ("id", "mobile_id", "client_mutation_id", "client_mutation_label", "client_mutation_details",
                 "mutation_extensions", "contribution_plan_id")


@dataclass
class Enrolment:
    """What one mobile enrolment wrote."""

    family: object
    insurees: list = field(default_factory=list)
    policies: list = field(default_factory=list)
    premiums: list = field(default_factory=list)


class EnrolmentPartFailed(ServiceError):
    """A part of the enrolment was refused; the error names the part, so that the app can tell which of
    the family, its members, policies and contributions to correct."""

    def __init__(self, part: str, error: ServiceError):
        super().__init__(error.message, error.detail)
        self.part = part
        self.error = error

    def as_dicts(self) -> list[dict]:
        return [{**entry, "detail": f"{self.part}: {entry['detail']}" if entry.get("detail") else self.part}
                for entry in self.error.as_dicts()]


@contextmanager
def _part(label: str) -> Iterator[None]:
    try:
        yield
    except EnrolmentPartFailed:
        raise
    except ServiceError as error:
        raise EnrolmentPartFailed(label, error) from error


def check_may_enrol(actor) -> None:
    """As in 24.10: every right to add and change families, insurees, policies and contributions."""
    if actor is None:
        raise PermissionDenied()
    missing = [code for code in MOBILE_ENROLLMENT_RIGHTS if not actor.has_any_right([code])]
    if missing:
        raise PermissionDenied("unauthorized", _("Missing rights: %(rights)s")
                               % {"rights": ", ".join(str(code) for code in missing)})


def _cleaned(data) -> dict:
    """A part of the input without the app's own keys and without the values it sent as null."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("A part of the enrolment is not an object"), str(data))
    return {key: value for key, value in data.items() if key not in APP_ONLY_KEYS and value is not None}


def _enrol_family(actor, data: dict):
    if not data.get("head_insuree"):
        raise ValidationFailed(_("A family needs a head insuree"))
    data = {**data, "head_insuree": _cleaned(data["head_insuree"])}
    existing = insuree_selectors.family_by(actor, uuid=data["uuid"]) if data.get("uuid") else None
    if existing is not None:
        return insuree_services.update_family(actor, data)
    return insuree_services.create_family(actor, data)


def _is_head(family, data: dict) -> bool:
    head = family.head_insuree
    if data.get("uuid"):
        return str(data["uuid"]).lower() == str(head.uuid).lower()
    return bool(data.get("chf_id")) and data["chf_id"] == head.chf_id


def _enrol_insuree(actor, family, data: dict):
    data = {**data, "family_id": family.id}
    existing = insuree_selectors.insuree_by(actor, uuid=data["uuid"]) if data.get("uuid") else None
    if existing is not None:
        return insuree_services.update_insuree(actor, data)
    return insuree_services.create_insuree(actor, data)


def _enrol_policy(actor, family, data: dict):
    data = {**data, "family_id": family.id}
    existing = policy_selectors.policy_by(actor, uuid=data["uuid"]) if data.get("uuid") else None
    if existing is not None:
        if existing.family_id != family.id:
            raise ValidationFailed(_("The policy belongs to another family"), str(data["uuid"]))
        return policy_services.update_policy(actor, data)
    return policy_services.create_policy(actor, data)


def _enrol_premium(actor, policy, data: dict):
    # the policy is the one the app numbered; 24.10 also records every mobile contribution as online
    data = {**data, "policy_uuid": policy.uuid, "is_offline": False}
    data.pop("policy_id", None)
    existing = contribution_selectors.premium_by(actor, uuid=data["uuid"]) if data.get("uuid") else None
    if existing is not None:
        return contribution_services.update_premium(actor, data)
    return contribution_services.create_premium(actor, data)


def _mobile_ids(policies: list) -> list:
    ids = []
    for position, policy_data in enumerate(policies, start=1):
        mobile_id = policy_data.get("mobile_id") if isinstance(policy_data, dict) else None
        if mobile_id is None:
            raise ValidationFailed(_("Policy %(position)s of the enrolment has no mobileId")
                                   % {"position": position})
        if mobile_id in ids:
            raise ValidationFailed(_("Two policies of the enrolment have the mobileId %(id)s")
                                   % {"id": mobile_id})
        ids.append(mobile_id)
    return ids


@transaction.atomic
def enrol(actor, data: dict) -> Enrolment:
    """The family (with its head), then the other members, the policies (covering the members) and the
    contributions (which may activate the policies), in the order of 24.10."""
    check_may_enrol(actor)
    if not data.get("family"):
        raise ValidationFailed(_("The enrolment has no family"))
    policies = [item for item in data.get("policies") or [] if item is not None]
    premiums = [item for item in data.get("premiums") or [] if item is not None]
    mobile_ids = _mobile_ids(policies)  # refused before anything is written
    for position, premium_data in enumerate(premiums, start=1):
        policy_id = premium_data.get("policy_id") if isinstance(premium_data, dict) else None
        if policy_id not in mobile_ids:
            raise ValidationFailed(
                _("Contribution %(position)s names the policy %(id)s, which is not a policy of the enrolment "
                  "(its mobileId)") % {"position": position, "id": policy_id})
    with _part(_("family")):
        family = _enrol_family(actor, _cleaned(data["family"]))
    enrolment = Enrolment(family=family)
    insurees = [item for item in data.get("insurees") or [] if item is not None]
    for position, insuree_data in enumerate(insurees, start=1):
        insuree_data = _cleaned(insuree_data)
        if _is_head(family, insuree_data):
            continue  # the head came with the family
        with _part(_("insuree %(position)s (%(chf_id)s)")
                   % {"position": position, "chf_id": insuree_data.get("chf_id") or "-"}):
            enrolment.insurees.append(_enrol_insuree(actor, family, insuree_data))
    by_mobile_id = {}
    for mobile_id, policy_data in zip(mobile_ids, policies, strict=True):
        with _part(_("policy %(id)s") % {"id": mobile_id}):
            policy = _enrol_policy(actor, family, _cleaned(policy_data))
        by_mobile_id[mobile_id] = policy
        enrolment.policies.append(policy)
    for position, premium_data in enumerate(premiums, start=1):
        with _part(_("contribution %(position)s") % {"position": position}):
            policy = by_mobile_id[premium_data["policy_id"]]
            enrolment.premiums.append(_enrol_premium(actor, policy, _cleaned(premium_data)))
    return enrolment
