"""The hooks of the insuree module (see `openimis.core.hook_registry`); the policy module answers them."""

from __future__ import annotations

from openimis.core.hook_registry import declare

CAN_ADD_INSUREE = declare(
    "insuree.can_add_insuree", ("family",),
    "before a member is added: why the family's policies cannot cover one more",
    returns="a list of warnings, one per current policy of the family whose product is full",
    in_transaction=False)
INSUREE_ADDED = declare(
    "insuree.insuree_added", ("actor", "insuree", "add_on_existing_policy"),
    "a member joined a family by createInsuree")
INSUREE_STATUS_ENDED = declare(
    "insuree.insuree_status_ended", ("actor", "insuree", "status_date"),
    "an insuree became inactive or died: their coverage ends that day")
INSUREE_DELETED = declare(
    "insuree.insuree_deleted", ("actor", "insuree"),
    "an insuree is being deleted: their insuree-policies are deleted too")
INSUREE_LEFT_FAMILY = declare(
    "insuree.insuree_left_family", ("actor", "insuree", "cancel_policies"),
    "an insuree is leaving their family (removeInsurees, changeInsureeFamily)")
INSUREE_JOINED_FAMILY = declare(
    "insuree.insuree_joined_family", ("actor", "insuree", "family"),
    "an insuree moved into another family (changeInsureeFamily): the policies with room left cover them")
