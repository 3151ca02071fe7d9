"""The rights of the controls module. It has no right codes of its own: reading the controls needs none
(openIMIS 24.10 answers `control` to anyone), and a mobile enrolment needs, as in 24.10, every right to
add and to change families, insurees, policies and contributions, whatever the enrolment holds."""

from openimis.contribution import rights as contribution_rights
from openimis.insuree import rights as insuree_rights
from openimis.policy import rights as policy_rights

MOBILE_ENROLLMENT_RIGHTS = (
    insuree_rights.FAMILY_ADD,
    insuree_rights.FAMILY_EDIT,
    insuree_rights.INSUREE_ADD,
    insuree_rights.INSUREE_EDIT,
    policy_rights.POLICY_ADD,
    policy_rights.POLICY_EDIT,
    contribution_rights.PREMIUM_ADD,
    contribution_rights.PREMIUM_EDIT,
)
