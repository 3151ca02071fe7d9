"""Declared hooks: a handler for an undeclared hook, with the wrong arguments or registered after
start-up stops with a message naming the hook and the handler; a module doing so stops start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.apps import apps

from openimis.core import hook_registry, hooks
from openimis.core.hook_registry import HookError, declare, register


@pytest.fixture
def starting(monkeypatch):
    """As during start-up, when the modules' ready() run."""
    monkeypatch.setattr(apps, "ready", False)


@pytest.fixture
def test_hook(monkeypatch):
    monkeypatch.setattr(hook_registry, "_declared", dict(hook_registry._declared))
    monkeypatch.setattr(hook_registry, "_handlers", dict(hook_registry._handlers))
    return declare("oi_test.thing_done", ("actor", "thing"), "a thing was done", returns="a word")


def takes_actor_and_thing(actor, thing):
    return f"{actor} did {thing}"


def takes_only_actor(actor):
    return actor


def test_handlers_answer_in_order(starting, test_hook):
    register(test_hook, takes_actor_and_thing)
    register(test_hook, lambda actor, thing, **options: "second")
    assert hook_registry.call(test_hook, "Ann", "it") == ["Ann did it", "second"]
    with pytest.raises(TypeError, match=r"oi_test.thing_done\(actor, thing\) called with 1 arguments"):
        hook_registry.call(test_hook, "Ann")


def test_wrong_arguments_are_refused_naming_the_handler(starting, test_hook):
    with pytest.raises(HookError, match=r"test_hook_registry.takes_only_actor cannot take the arguments "
                                        r"of oi_test.thing_done\(actor, thing\)"):
        register(test_hook, takes_only_actor)


def test_an_undeclared_hook_is_refused(starting):
    with pytest.raises(HookError, match="'core.user_saved', which is not a declared hook"):
        register("core.user_saved", takes_actor_and_thing)


def test_a_name_declared_twice_is_refused(test_hook):
    with pytest.raises(HookError, match="hook oi_test.thing_done is declared twice"):
        declare("oi_test.thing_done", ("actor",), "again")


def test_registering_after_start_up_is_refused():
    with pytest.raises(HookError, match="after start-up: register handlers in the module's AppConfig.ready"):
        register(hooks.USER_SAVED, lambda actor, user, data: None)


def test_every_registered_handler_of_the_modules_is_declared():
    declared = set(hook_registry.declared_hooks())
    registered = hook_registry.registered_handlers()
    assert registered and all(hook in declared for hook, _where in registered)
    assert ("core.user_saved", "openimis.location.services.save_user_locations") in {
        (hook.name, where) for hook, where in registered}


@pytest.mark.slow
def test_a_module_registering_a_wrong_handler_stops_start_up(tmp_path):
    package = tmp_path / "oi_test_hooked"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "apps.py").write_text(textwrap.dedent("""
        from openimis.modules import OpenIMISModuleConfig

        def user_saved(actor, user):  # the hook passes (actor, user, data)
            pass

        class Config(OpenIMISModuleConfig):
            name = "oi_test_hooked"
            module_name = "oi_test_hooked"
            requires = ["core"]

            def ready(self):
                super().ready()
                from openimis.core import hooks
                from openimis.core.hook_registry import register
                register(hooks.USER_SAVED, user_saved)
    """))
    conf = tmp_path / "openimis.json"
    conf.write_text(json.dumps({"modules": [{"name": "core"}, {"name": "oi_test_hooked"}]}))
    env = {**os.environ, "OPENIMIS_CONF_JSON": str(conf), "PYTHONPATH": str(tmp_path),
           "OPENIMIS_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "openimis.settings"}
    started = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert ("oi_test_hooked.apps.user_saved cannot take the arguments of core.user_saved(actor, user, data)"
            in started.stderr), started.stderr


def test_describe_modules_lists_hooks_handlers_and_added_fields():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("describe_modules", "--json", stdout=out)
    described = {entry["module"]: entry for entry in json.loads(out.getvalue())}
    assert "insuree.can_add_insuree(family)" in described["insuree"]["declares_hooks"]
    assert ("insuree.can_add_insuree: openimis.policy.insuree_handlers.can_add_insuree"
            in described["policy"]["handles_hooks"])
    assert "FamilyGQLType.policies" in described["policy"]["adds_fields"]
    assert "createFamily" in described["insuree"]["mutations"] and described["policy"]["requires"]
