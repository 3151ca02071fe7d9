"""The hooks of the core module (see `openimis.core.hook_registry`)."""

from __future__ import annotations

from openimis.core.hook_registry import declare

USER_SAVED = declare(
    "core.user_saved", ("actor", "user", "data"),
    "a user was created or updated; `data` is the mutation's input (the location module stores the "
    "user's districts and checks an officer's location)")
USER_DELETED = declare(
    "core.user_deleted", ("actor", "user"),
    "a user is being deleted (the location module ends their districts, claim their claim-administrator)")
USER_TYPE_SAVED = declare(
    "core.user_type_saved", ("actor", "user", "user_type", "data"),
    "a user type core does not own (CLAIM_ADMIN) was given to a user; without a handler it is refused")
