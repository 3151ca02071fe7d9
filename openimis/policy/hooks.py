"""The hooks of the policy module (see `openimis.core.hook_registry`)."""

from __future__ import annotations

from openimis.core.hook_registry import declare

POLICY_PAID = declare(
    "policy.policy_paid", ("actor", "policy", "receipt", "payer_uuid"),
    "a policy was created or renewed with isPaid: the contribution module records a premium of the "
    "whole value and applies its effect; without a handler isPaid is refused")
POLICY_IN_USE = declare(
    "policy.policy_in_use", ("policy",),
    "before a policy is deleted", returns="True when claims used the policy (it cannot be deleted)")
POLICY_RENEWED = declare(
    "policy.policy_renewed", ("actor", "previous_policy", "new_policy"),
    "a policy was renewed: the previous policy's renewal reminders end")
POLICY_CONSUMPTION = declare(
    "policy.policy_consumption", ("policy_ids",),
    "the enquiry and the policy page read what claims used of these policies",
    returns='{policy id: {"ded", "ded_ip", "ded_op", "rem", "rem_ip", "rem_op"}}: the amounts used',
    in_transaction=False)
INSUREE_CATEGORY_USAGE = declare(
    "policy.insuree_category_usage", ("insuree", "policy"),
    "the eligibility enquiry counts an insuree's use of the product's categories",
    returns='{"hospitalization"|"visits"|"consultation"|"surgery"|"delivery"|"antenatal": count}',
    in_transaction=False)
INSUREE_LINE_USAGE = declare(
    "policy.insuree_line_usage", ("insuree", "policy", "kind", "line_id"),
    "the eligibility enquiry of an item or service", returns="the quantity already provided",
    in_transaction=False)
ANNOTATE_POLICIES = declare(
    "policy.annotate_policies", ("queryset",),
    "a list of policies is read: other modules add their annotations (contribution: the paid total as "
    "`sum_premiums_total`), so that a page of policies costs one query",
    returns="the queryset, annotated", in_transaction=False)
