"""Named hooks: the explicit way a module reacts to another module's action.

A module registers a function in its config's `ready()`; the owner of the action calls the hook.
Example: core saves a user, the location module stores that user's districts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_handlers: dict[str, list[Callable]] = defaultdict(list)

USER_SAVED = "core.user_saved"  # (actor, user, data) after create/update, inside the transaction
USER_DELETED = "core.user_deleted"  # (actor, user) inside the transaction
USER_TYPE_SAVED = "core.user_type_saved"  # (actor, user, user_type, data): flavours owned by other modules


def register(name: str, handler: Callable) -> None:
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def handlers(name: str) -> list[Callable]:
    return list(_handlers[name])


def call(name: str, *args, **kwargs) -> list:
    return [handler(*args, **kwargs) for handler in _handlers[name]]
