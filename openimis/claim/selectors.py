"""Reads of the claim module: claims with the row security of §1.7 (a user bound to a health
facility, such as a claim administrator, sees that facility's claims; others the facilities of their
districts), claim administrators, and the deductibles and remunerations of claims (`ClaimDedRem`) with
what they mean for a policy (spec 7.6, 8.5)."""

from __future__ import annotations

import datetime

from django.db.models import Avg, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from openimis.claim.models import (
    BatchRun,
    Claim,
    ClaimAdmin,
    ClaimAttachment,
    ClaimAttachmentType,
    ClaimDedRem,
    ClaimItem,
    ClaimService,
    ClaimStatus,
)
from openimis.core import inputs
from openimis.core import selectors as core_selectors
from openimis.core.history import lock
from openimis.graphql.loading import prefetched
from openimis.insuree import selectors as insuree_selectors
from openimis.location import selectors as location_selectors

# the attribute under which a list of policies or insurees carries its current rows
DED_REMS_ATTRIBUTE = "current_claim_ded_rems"
# what a policy consumed, as the policy module's consumption hook names it -> the summed column
CONSUMPTION_COLUMNS = {"ded": "ded_g", "ded_ip": "ded_ip", "ded_op": "ded_op",
                       "rem": "rem_g", "rem_ip": "rem_ip", "rem_op": "rem_op"}


def current_claim_admins() -> QuerySet:
    return ClaimAdmin.objects.current()


def current_ded_rems() -> QuerySet:
    return ClaimDedRem.objects.current()


def ded_rems_of(row) -> QuerySet | list:
    """The current rows of a policy or an insuree: the prefetched ones when the list query fetched them."""
    rows = prefetched(row, DED_REMS_ATTRIBUTE)
    if rows is not None:
        return rows
    return row.claim_ded_rems.current().order_by("id")


def consumption(policy_ids: list[int]) -> dict:
    """{policy id: {"ded", "ded_ip", "ded_op", "rem", "rem_ip", "rem_op"}}: the sums of the current rows,
    for the policies that have any."""
    if not policy_ids:
        return {}
    sums = (current_ded_rems().filter(policy_id__in=policy_ids).values("policy_id")
            .annotate(**{key: Sum(column) for key, column in CONSUMPTION_COLUMNS.items()}))
    return {row.pop("policy_id"): row for row in sums}


def policy_in_use(policy) -> bool:
    """True when claims consumed the policy (a current deductible/remuneration row points at it)."""
    return current_ded_rems().filter(policy_id=policy.pk).exists()


def current_claims() -> QuerySet:
    return Claim.objects.current()


def own_health_facility_id(user) -> int | None:
    """The facility a user acts for: a claim administrator's, else the one set on the interactive user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "claim_admin_id", None):
        found = (ClaimAdmin.objects.filter(pk=user.claim_admin_id)
                 .values_list("health_facility_id", flat=True).first())
        if found:
            return found
    if getattr(user, "i_user_id", None):
        return user.i_user.health_facility_id
    return None


def claim_scope(user) -> Q | None:
    """The condition on claims (on their `health_facility_id`) a user may see and act on; None when every
    claim."""
    own = own_health_facility_id(user)
    if own:
        return Q(health_facility_id=own)
    scope = location_selectors.health_facility_scope(user)
    if scope is None:
        return None
    visible = location_selectors.current_health_facilities().filter(scope).values("id")
    return Q(health_facility_id__in=visible)


def claims(user, show_history: bool = False) -> QuerySet:
    """The claims a user may see (current ones unless `show_history`)."""
    queryset = Claim.objects.all() if show_history else current_claims()
    scope = claim_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def claim_by(user, uuid=None, pk=None) -> Claim | None:
    """One current claim the user may see, by uuid or id (None when unknown or out of reach)."""
    queryset = claims(user)
    if uuid is not None:
        return queryset.filter(uuid=str(uuid)).first()
    if pk is not None:
        return queryset.filter(pk=pk).first()
    return None


def claim_for_update(user, uuid) -> Claim | None:
    """The current claim `uuid` the user may see, read again under a row lock (the state committed last;
    no other writer changes it before this transaction ends); None when unknown, out of reach, malformed
    or ended while this transaction waited for the lock."""
    wanted = inputs.uuid_or_none(uuid)
    claim = claim_by(user, uuid=wanted) if wanted else None
    if claim is None:
        return None
    lock(claim)
    return claim if claim.is_current else None


def health_facility_allowed(user, health_facility_id: int) -> bool:
    """May the user enter claims for this facility (their own one, or one of their districts)?"""
    own = own_health_facility_id(user)
    if own:
        return int(own) == int(health_facility_id)
    scope = location_selectors.health_facility_scope(user)
    found = location_selectors.current_health_facilities().filter(pk=health_facility_id)
    return (found if scope is None else found.filter(scope)).exists()


def claim_history(user, uuid) -> QuerySet:
    """The versions of a claim the user may see: the current row first, then the earlier states, newest
    first (none when the uuid is not a visible claim's)."""
    claim = claim_by(user, uuid=uuid) if inputs.uuid_or_none(uuid) else None
    if claim is None:
        return Claim.objects.none()
    return Claim.objects.filter(Q(pk=claim.pk) | Q(legacy_id=claim.pk)).order_by(
        F("validity_to").desc(nulls_first=True), "-id")


def claim_code_is_free(code: str, health_facility_id=None) -> bool:
    """`validateClaimCode`: no current claim has this code (in this facility, when one is given)."""
    text = (code or "").strip()
    if not text:
        return False
    found = current_claims().filter(code=text)
    if health_facility_id not in (None, ""):
        found = found.filter(health_facility_id=int(health_facility_id))
    return not found.exists()


# attachmentStatus of the claim searcher: 1 with attachments, 2 without (0 or none: any)
WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS = 1, 2


def _with_lines(model, codes: list[str], code_path: str) -> QuerySet:
    return model.objects.current().filter(**{f"{code_path}__code__in": codes}).values("claim_id")


def _diagnosis_variance(queryset: QuerySet, variance: int) -> QuerySet:
    """Claims whose amount claimed exceeds by more than `variance` percent the average amount approved
    of the current claims of the same main diagnosis claimed over the last year, and claims whose
    diagnosis no such claim has (24.10's default)."""
    last_year = timezone.localdate() - datetime.timedelta(days=365)
    recent = current_claims().filter(date_claimed__gt=last_year)
    average = (recent.filter(icd_id=OuterRef("icd_id")).order_by().values("icd_id")
               .annotate(average=Avg("approved")).values("average"))
    factor = 1 + variance / 100
    queryset = queryset.annotate(diagnosis_average=Subquery(average, output_field=DecimalField()))
    return queryset.filter(Q(claimed__gt=F("diagnosis_average") * factor)
                           | ~Q(icd_id__in=recent.values("icd_id")))


def narrowed_claims(queryset: QuerySet, arguments: dict) -> QuerySet:
    """The claim searcher's own arguments (those that are not plain column filters)."""
    if arguments.get("code_is_not"):
        queryset = queryset.exclude(code=arguments["code_is_not"])
    if arguments.get("items"):
        queryset = queryset.filter(id__in=_with_lines(ClaimItem, arguments["items"], "item"))
    if arguments.get("services"):
        queryset = queryset.filter(id__in=_with_lines(ClaimService, arguments["services"], "service"))
    if arguments.get("care_type"):
        queryset = queryset.filter(care_type=arguments["care_type"])
    if arguments.get("show_restored"):
        queryset = queryset.filter(restore__isnull=False)
    status = arguments.get("attachment_status")
    if status in (WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS):
        attached = ClaimAttachment.objects.current().values("claim_id")
        queryset = (queryset.filter(id__in=attached) if status == WITH_ATTACHMENTS
                    else queryset.exclude(id__in=attached))
    json_ext = arguments.get("json_ext")
    if isinstance(json_ext, dict):
        for key, value in json_ext.items():
            queryset = queryset.filter(**{f"json_ext__{key}": value})
    if arguments.get("diagnosis_variance"):
        queryset = _diagnosis_variance(queryset, arguments["diagnosis_variance"])
    return queryset


def claims_with_same_diagnosis(user, icd: str, chf_id: str) -> QuerySet:
    """The patient's claims with the same main diagnosis (its code, or its id)."""
    diagnosis = Q(icd__code=icd) | (Q(icd_id=int(icd)) if str(icd).isdigit() else Q())
    return claims(user).filter(diagnosis, insuree__chf_id=chf_id)


def attachments(user) -> QuerySet:
    """The current attachments of the claims the user may see."""
    return ClaimAttachment.objects.current().filter(claim_id__in=claims(user).values("id"))


def attachment_types() -> QuerySet:
    return ClaimAttachmentType.objects.current()


def claim_admins(user, search: str | None = None, region_uuid: str | None = None,
                 district_uuid: str | None = None) -> QuerySet:
    """The claim administrators of the facilities the user may see (a facility-bound user: theirs)."""
    queryset = current_claim_admins()
    scope = claim_scope(user)  # a condition on `health_facility_id`, which claim administrators have too
    if scope is not None:
        queryset = queryset.filter(scope)
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(last_name__icontains=search)
                                   | Q(other_names__icontains=search))
    if district_uuid:
        queryset = queryset.filter(health_facility__location__uuid=district_uuid)
    if region_uuid:
        queryset = queryset.filter(health_facility__location__parent__uuid=region_uuid)
    return queryset.order_by("code", "id")


def claim_officers(search: str | None = None) -> QuerySet:
    """The enrolment officers who may collect feedback (the feedback page's picker)."""
    return core_selectors.enrolment_officers(search).order_by("code", "id")


def _insuree_by_chf_id(user, chf_id: str):
    return insuree_selectors.current_insurees().filter(chf_id=chf_id).first()


def insuree_name(user, chf_id: str) -> str | None:
    """The patient's names for the claim form (by insurance number, whatever their district: a facility
    treats patients from anywhere)."""
    insuree = _insuree_by_chf_id(user, chf_id)
    return f"{insuree.other_names} {insuree.last_name}" if insuree else None


def first_service_point(user, chf_id: str):
    """The patient's first service point (their chosen health facility), if any."""
    insuree = _insuree_by_chf_id(user, chf_id)
    if insuree is None or not insuree.health_facility_id:
        return None
    return location_selectors.current_health_facilities().filter(pk=insuree.health_facility_id).first()


def batch_runs() -> QuerySet:
    """The current batch runs (every user with a claim or batch right sees them: they name a month and a
    region or district, no personal data)."""
    return BatchRun.objects.current()


def entered_claims_matching(user, data: dict, filterset_class) -> QuerySet:
    """The Entered claims the user may see that the claims searcher's filters select (fe-claim's "submit
    all" sends them as `additionalFilters`), `data` by filter name (`health_facility__uuid`); an unknown
    filter is refused (ValueError)."""
    data = dict(data)
    data.pop("status", None)  # only entered claims are submitted, whatever the searcher showed
    unknown = sorted(set(data) - set(filterset_class.base_filters))
    if unknown:
        raise ValueError(", ".join(unknown))
    queryset = claims(user).filter(status=ClaimStatus.ENTERED)
    found = filterset_class(data=data, queryset=queryset)
    if not found.is_valid():
        raise ValueError("; ".join(f"{name}: {' '.join(map(str, problems))}"
                                   for name, problems in found.form.errors.items()))
    return found.qs.order_by("id")
