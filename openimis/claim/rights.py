"""The numeric openIMIS right codes of the claim module (claims themselves come later)."""

from openimis.core.rights import USER_SEARCH

CLAIM_ADMIN_SEARCH = 121601
CLAIM_ADMIN_ADD = 121602
CLAIM_ADMIN_EDIT = 121603
CLAIM_ADMIN_DELETE = 121604

# who may read a claim administrator: its own search right, or the user search right (claim
# administrators are users of type CLAIM_ADMIN)
CLAIM_ADMIN_READ = (CLAIM_ADMIN_SEARCH, USER_SEARCH)
