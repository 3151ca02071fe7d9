"""The daily policy job (spec 8.7): renewal reminders for policies about to end, expiry of ended ones, and
the reminders a renewal closes."""

from __future__ import annotations

import datetime

import pytest

from openimis.insuree.tests.helpers import send, succeeded
from openimis.policy import renewals
from openimis.policy.models import ACTIVE, EXPIRED, IDLE, Policy, PolicyRenewal
from openimis.policy.tests.helpers import TODAY, make_product, new_policy, policy_input, world

pytestmark = pytest.mark.django_db


def _ending(gql, data, days: int) -> Policy:
    policy = new_policy(gql, data["product"], data["family"], data["officer"], isPaid=True)
    Policy.objects.filter(pk=policy.pk).update(expiry_date=TODAY + datetime.timedelta(days=days))
    policy.refresh_from_db()
    return policy


def test_reminder_for_a_policy_about_to_end_once(admin_gql):
    data = world(admin_gql)
    successor = make_product("PO2")
    data["product"].conversion_product = successor
    data["product"].save()
    policy = _ending(admin_gql, data, 10)
    assert renewals.insert_renewals() == 1
    assert renewals.insert_renewals() == 0  # already prepared
    reminder = PolicyRenewal.objects.get(policy=policy)
    assert reminder.new_product == successor and reminder.new_officer == data["officer"]
    assert reminder.renewal_date == policy.expiry_date + datetime.timedelta(days=1)
    assert reminder.insuree == data["family"].head_insuree and reminder.renewal_warnings == 0
    listed = admin_gql("{ policyRenewals { edges { node { uuid renewalDate renewalWarnings smsStatus "
                       "policy { uuid } newProduct { code } newOfficer { code } insuree { chfId } } } } }")
    node = listed["data"]["policyRenewals"]["edges"][0]["node"]
    assert node["policy"]["uuid"] == policy.uuid and node["newProduct"]["code"] == "PO2"


def test_no_reminder_far_from_the_end_or_when_renewed(admin_gql):
    data = world(admin_gql)
    policy = _ending(admin_gql, data, 60)
    assert renewals.insert_renewals() == 0
    Policy.objects.filter(pk=policy.pk).update(expiry_date=TODAY + datetime.timedelta(days=5))
    policy.refresh_from_db()
    assert renewals.insert_renewals() == 1
    next_start = policy.expiry_date + datetime.timedelta(days=1)
    client_mutation_id = send(admin_gql, "renewPolicy", policy_input(
        data["product"], data["family"], data["officer"], TODAY, next_start,
        next_start + datetime.timedelta(days=365), "20.00"))
    succeeded(client_mutation_id)
    assert not PolicyRenewal.objects.current().filter(policy=policy).exists()  # the renewal closed it


def test_daily_job_expires_ended_policies(admin_gql):
    data = world(admin_gql)
    ended = _ending(admin_gql, data, -1)
    idle = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    Policy.objects.filter(pk=idle.pk).update(expiry_date=TODAY - datetime.timedelta(days=3))
    running = _ending(admin_gql, data, 100)
    renewals.daily_job()
    statuses = {policy.pk: policy.status for policy in Policy.objects.current()}
    assert statuses[ended.pk] == EXPIRED and statuses[idle.pk] == EXPIRED and statuses[running.pk] == ACTIVE
    assert Policy.objects.filter(legacy_id=idle.pk, status=IDLE).exists()  # the state before, kept
