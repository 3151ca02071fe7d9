"""Module developer tools: skeletons that install and serve, openimis.json updates, installs, swapping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from openimis.devtools import conf, installer, scaffold
from openimis.modules import BUILT_IN_MODULES, ModuleError, enabled_modules
from tests.live_server import (
    ADMIN,
    HTTPClient,
    OpenIMISProcess,
    database_env,
    drop_database,
    free_port,
    process_env,
    wait_for_log,
    wait_until_answers,
)

pytestmark = pytest.mark.slow  # starts processes or installs packages

REPOSITORY = Path(__file__).resolve().parent.parent


def built_in_conf(path: Path) -> Path:
    path.write_text(json.dumps({"modules": [{"name": name, "pip": None} for name in BUILT_IN_MODULES]}))
    return path


def run_openimis(arguments: list[str], cwd: Path, env: dict[str, str], timeout: float = 300):
    env = {**env, "PYTHONPATH": str(REPOSITORY)}
    result = subprocess.run([sys.executable, "-m", "openimis.cli", *arguments], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{arguments}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def pip_uninstall(distribution: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", distribution],
                   capture_output=True, timeout=120)


# --- a created module, installed and served -------------------------------------------------

BUSINESS_CALLS = {
    "mutation": """mutation($input: Create{Module}RecordMutationInput!) {
      create{Module}Record(input: $input) { clientMutationId internalId } }""",
    "input": {"code": "R1", "name": "First record"},
    "query": "{ {camel}Records(code_Istartswith: \"R\") { totalCount edges { node { code name } } } }",
}
CALCULATION_CALLS = {
    "mutation": """mutation($input: Run{Module}CalculationMutationInput!) {
      run{Module}Calculation(input: $input) { clientMutationId internalId } }""",
    "input": {"amount": "200", "parameters": json.dumps({"rate": "0.25"})},
    "query": "{ {camel}Calculate(amount: \"200\") {camel}Rule { name appliesTo parameters { name } } }",
}


def _fill(text: str, values: dict[str, str]) -> str:
    return text.replace("{Module}", values["Module"]).replace("{camel}", values["moduleCamel"])


@pytest.mark.parametrize("template", ["business", "calculation"])
def test_created_module_installs_serves_its_query_and_mutation(tmp_path, template):
    name = f"oi_dev_{template[:4]}_{os.getpid()}"
    values = scaffold.context(name, "Jane Doe", "jane@example.org", template)
    distribution = values["distribution"]
    conf_path = built_in_conf(tmp_path / "openimis.json")
    database = f"openimis_devtools_test_{template[:4]}_{os.getpid()}"
    env = process_env(tmp_path, {"OPENIMIS_CONF_JSON": str(conf_path)})
    server = None
    try:
        output = run_openimis(["manage", "create_openimis_module", name, "Jane Doe", "jane@example.org",
                               "--template", template, "--github", "--path", str(tmp_path)], tmp_path, env)
        folder = tmp_path / distribution
        assert "installed and listed in" in output
        for relative in ("pyproject.toml", "README.md", "LICENSE", ".github/workflows/ci.yml",
                         ".github/workflows/publish.yml", ".gitignore", f"{name}/apps.py",
                         f"{name}/rights.py",
                         f"{name}/models.py", f"{name}/services.py", f"{name}/selectors.py",
                         f"{name}/gql/types.py", f"{name}/gql/queries.py", f"{name}/gql/mutations.py",
                         f"{name}/urls.py", f"{name}/tests/__init__.py"):
            assert (folder / relative).is_file(), relative
        assert "AGPL-3.0-only" in (folder / "LICENSE").read_text()
        assert f'{name} = "{name}"' in (folder / "pyproject.toml").read_text()
        listed = json.loads(conf_path.read_text())["modules"]
        assert listed[-1] == {"name": name, "pip": f"-e {folder}"}
        assert installer.installed_version(distribution) == "0.1.0"

        env_with_db = {**env, **database_env(database)}
        if "DB_ENGINE" not in env_with_db:  # the module's own tests (SQLite: an in-memory test database)
            result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                     f"{name}/tests"], cwd=folder, env={**env, "PYTHONPATH": str(REPOSITORY)},
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

        port = free_port()
        server = OpenIMISProcess(["serve", "--port", str(port), "--threads", "4"], tmp_path,
                                 {**env_with_db, "PYTHONPATH": str(REPOSITORY)}, "serve")
        base_url = f"http://127.0.0.1:{port}"
        wait_until_answers(server, base_url)
        client = HTTPClient(base_url)
        assert "errors" not in client.login(*ADMIN)
        calls = BUSINESS_CALLS if template == "business" else CALCULATION_CALLS
        client_mutation_id = str(uuid.uuid4())
        result = client.graphql(_fill(calls["mutation"], values),
                                {"input": {"clientMutationId": client_mutation_id, **calls["input"]}})
        assert "errors" not in result, result
        assert wait_for_log(client, client_mutation_id) == {"status": 2, "error": None}
        result = client.graphql(_fill(calls["query"], values))
        assert "errors" not in result, result
        data = result["data"]
        if template == "business":
            assert data[f"{values['moduleCamel']}Records"]["edges"] == [
                {"node": {"code": "R1", "name": "First record"}}]
        else:
            assert data[f"{values['moduleCamel']}Calculate"] == "20.0"
            rule = data[f"{values['moduleCamel']}Rule"]
            assert rule["appliesTo"] == ["product.Product"]
            assert [parameter["name"] for parameter in rule["parameters"]] == ["rate", "minimum"]
        status, body = client.get(f"/api/{name}/info/")
        assert status == 200 and body["module"] == name
    finally:
        if server is not None:
            server.stop()
        pip_uninstall(distribution)
        drop_database(database)
    assert installer.installed_version(distribution) is None


# --- openimis.json, skeleton details, installs -------------------------------------------------

def test_register_creates_the_conf_from_the_built_in_list_and_replaces_in_place(tmp_path):
    path = tmp_path / "openimis.json"
    conf.register("extra", "openimis-be-extra", path)
    names = [entry["name"] for entry in json.loads(path.read_text())["modules"]]
    assert names == [*BUILT_IN_MODULES, "extra"]
    conf.register("extra", "openimis-be-extra==2.0", path)
    conf.register("other_location", "-e /x", path, replaces="location")
    entries = json.loads(path.read_text())["modules"]
    assert entries[1] == {"name": "other_location", "pip": "-e /x"}
    assert entries[-1] == {"name": "extra", "pip": "openimis-be-extra==2.0"}


def test_module_names_are_checked_and_existing_folders_kept(tmp_path):
    for bad in ("My-Module", "class", "a__b", "1abc"):
        with pytest.raises(scaffold.ScaffoldError):
            scaffold.create_module(bad, "a", "a@b.c", tmp_path)
    scaffold.create_module("ok_mod", "a", "a@b.c", tmp_path)
    with pytest.raises(scaffold.ScaffoldError, match="already exists"):
        scaffold.create_module("ok_mod", "a", "a@b.c", tmp_path)
    assert not (tmp_path / "openimis-be-ok-mod" / ".github").exists()
    call_command("add_github_files_to_module", "ok_mod", "--path", str(tmp_path / "openimis-be-ok-mod"))
    assert (tmp_path / "openimis-be-ok-mod" / ".github" / "workflows" / "publish.yml").exists()
    assert "__pycache__/" in (tmp_path / "openimis-be-ok-mod" / ".gitignore").read_text()


def test_install_locally_then_from_a_package_index(tmp_path, monkeypatch, capsys):
    """install_module_locally --path (pip install -e), then install_module_pypi from a local index."""
    name = f"oi_dev_pkg_{os.getpid()}"
    distribution = scaffold.distribution_name(name)
    conf_path = built_in_conf(tmp_path / "openimis.json")
    monkeypatch.setenv("OPENIMIS_CONF_JSON", str(conf_path))
    folder = scaffold.create_module(name, "a", "a@b.c", tmp_path, "calculation")
    try:
        call_command("install_module_locally", name, "--path", str(folder))
        assert installer.installed_version(distribution) == "0.1.0"
        assert conf.entry(name, conf_path)["pip"] == f"-e {folder}"

        call_command("install_module_pypi", name, "--check-only")
        out = capsys.readouterr().out
        assert (f"installed {distribution} 0.1.0 (editable: would be uninstalled first); "
                f"would run pip install {distribution}") in out
        assert conf.entry(name, conf_path)["pip"] == f"-e {folder}"  # nothing changed

        index = tmp_path / "index"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(index),
                        str(folder)],
                       check=True, capture_output=True, timeout=300)
        call_command("install_module_pypi", name, "--target-version", "0.1.0", "--find-links", str(index))
        assert conf.entry(name, conf_path)["pip"] == f"{distribution}==0.1.0"
        shown = subprocess.run([sys.executable, "-m", "pip", "show", "-f", distribution],
                               capture_output=True, text=True).stdout
        assert f"{name}/calculation.py" in shown  # a regular install now, not the editable folder
    finally:
        pip_uninstall(distribution)


def test_install_commands_with_all_and_nothing_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENIMIS_CONF_JSON", str(built_in_conf(tmp_path / "openimis.json")))
    call_command("install_module_pypi", "all", "--check-only")
    call_command("install_module_locally", "all")
    assert capsys.readouterr().out.count("built-in modules only") == 2


def test_install_pypi_check_only_for_an_unknown_library(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENIMIS_CONF_JSON", str(built_in_conf(tmp_path / "openimis.json")))
    calls = []
    monkeypatch.setattr(installer, "pip", lambda *arguments, **kwargs: calls.append(arguments))
    call_command("install_module_pypi", "oi_nowhere", "--library-name", "oi-nowhere-lib", "--check-only")
    assert "oi-nowhere-lib (not installed)" in capsys.readouterr().out and calls == []
    call_command("install_module_pypi", "oi_nowhere", "--library-name", "oi-nowhere-lib",
                 "--target-version", "1.2")
    assert calls == [("install", "oi-nowhere-lib==1.2")]
    assert conf.entry("oi_nowhere")["pip"] == "oi-nowhere-lib==1.2"


# --- swapping a built-in ------------------------------------------------------------------------

def _write_package(root: Path, package: str, module_name: str, requires: list[str]) -> None:
    (root / package).mkdir()
    (root / package / "__init__.py").write_text("")
    (root / package / "apps.py").write_text(textwrap.dedent(f"""
        from openimis.modules import OpenIMISModuleConfig

        class Config(OpenIMISModuleConfig):
            name = "{package}"
            label = "{module_name}"
            module_name = "{module_name}"
            requires = {requires!r}
    """))


@pytest.fixture
def swap_packages(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    _write_package(tmp_path, "oi_swap_location", "location", ["core"])
    _write_package(tmp_path, "oi_swap_location_too", "location", ["core"])
    _write_package(tmp_path, "oi_swap_needs_location", "oi_swap_needs_location", ["core", "location"])
    yield tmp_path
    for name in [key for key in sys.modules if key.startswith("oi_swap_")]:
        del sys.modules[name]


def _conf(path: Path, names: list[str]) -> str:
    path.write_text(json.dumps({"modules": [{"name": name} for name in names]}))
    return str(path)


def test_a_module_with_a_built_in_logical_name_replaces_it(swap_packages):
    path = _conf(swap_packages / "o.json", ["core", "location", "oi_swap_location", "oi_swap_needs_location"])
    entries = enabled_modules(path)
    packages = [entry.package for entry in entries]
    assert packages == ["openimis.core", "oi_swap_location", "oi_swap_needs_location"]
    # without the built-in listed, the replacement still satisfies `requires = ["location"]`
    path = _conf(swap_packages / "o.json", ["core", "oi_swap_location", "oi_swap_needs_location"])
    assert [entry.package for entry in enabled_modules(path)][1] == "oi_swap_location"


def test_two_modules_claiming_one_logical_name_are_refused(swap_packages):
    path = _conf(swap_packages / "o.json", ["core", "location", "oi_swap_location", "oi_swap_location_too"])
    with pytest.raises(ModuleError, match="oi_swap_location.*oi_swap_location_too.*logical name 'location'"):
        enabled_modules(path)
    with pytest.raises(ModuleError, match="claim the same logical name 'core'"):
        enabled_modules(_conf(swap_packages / "o.json", ["core", "core"]))


def test_an_entry_point_of_a_built_in_name_wins(swap_packages, monkeypatch):
    from openimis import modules

    monkeypatch.setattr(modules, "_entry_point_package",
                        lambda name: "oi_swap_location" if name == "location" else None)
    entries = enabled_modules(_conf(swap_packages / "o.json", ["core", "location"]))
    assert [entry.package for entry in entries] == ["openimis.core", "oi_swap_location"]
