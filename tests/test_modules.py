"""The module registry: loading fails loudly, never silently."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from openimis import modules
from openimis.core import rest_errors
from openimis.core.configuration import module_config
from openimis.core.models import ModuleConfiguration
from openimis.modules import ModuleError, enabled_modules, read_module_list


def write_module(root, name: str, requires: list[str], init: str = "") -> None:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text(init)
    (package / "apps.py").write_text(textwrap.dedent(f"""
        from openimis.modules import OpenIMISModuleConfig

        class Config(OpenIMISModuleConfig):
            name = "{name}"
            module_name = "{name}"
            requires = {requires!r}
    """))


@pytest.fixture
def module_path(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [key for key in sys.modules if key.startswith("oi_test_")]:
        del sys.modules[name]


def test_default_module_list_is_the_built_in_one():
    assert [entry["name"] for entry in read_module_list(None)] == modules.BUILT_IN_MODULES


def test_module_list_from_conf_text():
    entries = read_module_list(None, '{"modules": [{"name": "core"}, {"name": "location", "pip": "x"}]}')
    assert [entry["name"] for entry in entries] == ["core", "location"]


def test_malformed_conf_names_the_variable(tmp_path):
    path = tmp_path / "openimis.json"
    path.write_text("{not json")
    with pytest.raises(ModuleError, match="OPENIMIS_CONF_JSON"):
        read_module_list(str(path))
    with pytest.raises(ModuleError, match="OPENIMIS_CONF"):
        read_module_list(None, '{"modules": "core"}')


def test_missing_conf_file_is_reported(tmp_path):
    with pytest.raises(ModuleError, match="file not found"):
        read_module_list(str(tmp_path / "absent.json"))


def _conf(tmp_path, names):
    path = tmp_path / "openimis.json"
    path.write_text(json.dumps({"modules": [{"name": name} for name in names]}))
    return str(path)


def test_external_module_by_package_name(module_path):
    write_module(module_path, "oi_test_ok", ["core"])
    entries = enabled_modules(_conf(module_path, ["core", "location", "oi_test_ok"]))
    assert entries[-1].package == "oi_test_ok"
    assert modules.installed_app_paths(entries)[-1] == "oi_test_ok.apps.Config"


def test_missing_requirement_stops_start_up(module_path):
    write_module(module_path, "oi_test_needy", ["core", "claim"])
    with pytest.raises(ModuleError, match="module 'oi_test_needy' requires claim"):
        enabled_modules(_conf(module_path, ["core", "oi_test_needy"]))


def test_broken_module_stops_start_up(module_path):
    write_module(module_path, "oi_test_broken", ["core"], init="raise RuntimeError('boom')\n")
    with pytest.raises(ModuleError, match="module 'oi_test_broken'.*boom"):
        enabled_modules(_conf(module_path, ["core", "oi_test_broken"]))


def test_unknown_module_stops_start_up(module_path):
    expected = "module 'oi_test_absent' is listed in openimis.json but cannot be found"
    with pytest.raises(ModuleError, match=expected):
        enabled_modules(_conf(module_path, ["core", "oi_test_absent"]))


def test_core_is_mandatory(module_path):
    with pytest.raises(ModuleError, match="'core' is required"):
        enabled_modules(_conf(module_path, ["location"]))


def test_module_configuration_merges_stored_values(db):
    assert module_config("core")["age_of_majority"] == 18
    ModuleConfiguration.objects.create(module="core", layer="be", config='{"age_of_majority": 21}')
    assert module_config("core")["age_of_majority"] == 21
    assert module_config("core")["currency"] == "$"
    with pytest.raises(LookupError):
        module_config("nope")


def test_rest_exception_handlers_dispatch_by_url_prefix(rf):
    seen = []
    rest_errors.register("/api/oi_test_mod/", lambda exc, context: seen.append(exc) or "handled")
    try:
        request = rf.get("/api/oi_test_mod/x")
        assert rest_errors.dispatch_exception_handler(ValueError("x"), {"request": request}) == "handled"
        other = rf.get("/api/core/x")
        assert rest_errors.dispatch_exception_handler(ValueError("y"), {"request": other}) is None
    finally:
        rest_errors._handlers.pop("/api/oi_test_mod/")


def test_frontend_configuration_declared_by_modules_and_overridden_by_stored_rows(gql, admin_user):
    query = "{ moduleConfigurations { module layer config controls { field usage } } }"
    configurations = {entry["module"]: entry for entry in gql(query)["data"]["moduleConfigurations"]}
    assert "fe-claim" not in configurations  # the claim module serves the insuree page's claims panel
    assert "fe-payment" not in configurations  # the payment module serves the family page's payments panel
    tools = configurations["fe-tools"]  # no report module: its menu is hidden
    assert tools["layer"] == "FE" and tools["controls"] == []
    assert json.loads(tools["config"])["hiddenContributions"] == ["core.MainMenu"]
    assert "fe-policy" not in configurations  # the policy module serves its panels
    ModuleConfiguration.objects.create(module="fe-tools", layer="fe", is_exposed=True, config='{"a": 1}')
    configurations = {entry["module"]: entry for entry in gql(query)["data"]["moduleConfigurations"]}
    assert json.loads(configurations["fe-tools"]["config"]) == {"a": 1}


def test_pages_without_their_backend_say_so(gql, admin_user):
    query = "{ moduleConfigurations { module config } }"
    configurations = {entry["module"]: json.loads(entry["config"])
                      for entry in gql(query)["data"]["moduleConfigurations"]}
    assert configurations["fe-tools"] == {  # no report module: the Tools menu is hidden, its pages say so
        "hiddenContributions": ["core.MainMenu"],
        "unavailableRoutes": ["tools/reports", "tools/registers", "tools/extracts"]}
