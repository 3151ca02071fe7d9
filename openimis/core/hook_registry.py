"""Declared hooks: the explicit way a module reacts to another module's action.

The module that owns an action declares each of its hooks once, in its own `hooks.py`, with `declare`:
its name, the arguments it is called with, what a handler returns and whether it runs inside the
transaction of the action. Another module registers a handler in its `AppConfig.ready()` with
`register(hook, handler)`; the owner calls `call(hook, ...)`. A handler registered for something that
is not a declared hook, one that cannot take the hook's arguments, or a registration after start-up
stops with a `HookError` naming the hook and the handler's module.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


class HookError(ImproperlyConfigured):
    pass


@dataclass(frozen=True, eq=False)
class Hook:
    name: str  # "<owner module>.<event>"
    parameters: tuple[str, ...]
    returns: str | None  # what each handler answers (`call` returns the list of answers); None: nothing
    in_transaction: bool
    description: str

    @property
    def owner(self) -> str:
        return self.name.split(".")[0]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(self.parameters)})"


_declared: dict[str, Hook] = {}
_handlers: dict[Hook, list[Callable]] = {}


def declare(name: str, parameters: tuple[str, ...], description: str, returns: str | None = None,
            in_transaction: bool = True) -> Hook:
    """Declare a hook of the calling module; a name declared twice stops start-up."""
    if name in _declared:
        raise HookError(f"hook {name} is declared twice")
    hook = Hook(name, tuple(parameters), returns, in_transaction, description)
    _declared[name] = hook
    _handlers[hook] = []
    return hook


def _where(handler: Callable) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"


def register(hook: Hook, handler: Callable) -> None:
    """Register `handler` for `hook`: in an `AppConfig.ready()` only."""
    if not isinstance(hook, Hook) or _declared.get(hook.name) is not hook:
        raise HookError(f"{_where(handler)} is registered for {hook!r}, which is not a declared hook")
    if apps.ready:
        raise HookError(f"{_where(handler)} is registered for {hook.name} after start-up: "
                        "register handlers in the module's AppConfig.ready()")
    try:
        inspect.signature(handler).bind(*hook.parameters)
    except TypeError as error:
        raise HookError(f"{_where(handler)} cannot take the arguments of {hook}: {error}") from None
    except ValueError:  # a builtin without a signature: taken as it is
        pass
    if handler not in _handlers[hook]:
        _handlers[hook].append(handler)


def handlers(hook: Hook) -> list[Callable]:
    return list(_handlers[hook])


def call(hook: Hook, *args, **kwargs) -> list:
    """Each handler's answer, in the order they were registered."""
    if len(args) + len(kwargs) != len(hook.parameters):
        raise TypeError(f"{hook} called with {len(args) + len(kwargs)} arguments")
    return [handler(*args, **kwargs) for handler in _handlers[hook]]


def declared_hooks() -> list[Hook]:
    return list(_declared.values())


def registered_handlers() -> list[tuple[Hook, str]]:
    """(hook, "module.function") of every registered handler."""
    return [(hook, _where(handler)) for hook, found in _handlers.items() for handler in found]
