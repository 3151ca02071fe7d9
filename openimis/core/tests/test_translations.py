"""Translations: per-module catalogues, and server messages in the user's language."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from openimis.core import services, tasks
from openimis.core.models import MutationLog
from openimis.devtools import translations
from openimis.modules import BUILT_IN_MODULES, module_configs
from tests.live_server import CREATE_USER, MUTATION_LOG, user_input

DUPLICATE_EN = "Username Admin is already taken"
DUPLICATE_FR = "Le nom d'utilisateur Admin est déjà pris"


def msgids(po_file: Path) -> set[str]:
    return set(re.findall(r'^msgid "(.+)"$', po_file.read_text(encoding="utf-8"), re.M))


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_extract_translations_finds_the_messages_of_every_built_in_module(tmp_path, settings, monkeypatch):
    """Extracted from a copy of the package, so that the committed catalogues stay as they are."""
    copy = tmp_path / "openimis"
    shutil.copytree(settings.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "build", "*.mo"))
    settings.PACKAGE_DIR = copy
    folders = {config.logical_name: copy / Path(config.path).name for config in module_configs()}
    monkeypatch.setattr(translations, "module_folders", lambda names=None: folders)
    call_command("extract_translations", "--compile")
    for name in BUILT_IN_MODULES:
        po_file = folders[name] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
        found = msgids(po_file)
        assert found, f"no message found in module {name}"
        assert not [msgid for msgid in found if "{" in msgid], name  # f-strings cannot be translated
        references = set(re.findall(r"^#: (\S+)", po_file.read_text(encoding="utf-8"), re.M))
        if name == "core":  # core and openimis/graphql, no other module
            assert all(reference.startswith(("core/", "graphql/")) for reference in references), references
        else:  # extracted inside the module's folder
            assert not [reference for reference in references if "/" in reference.split(":")[0]
                        and reference.split("/")[0] in BUILT_IN_MODULES], (name, references)
        assert (po_file.parent / "django.mo").exists()
        assert "Language: fr" in po_file.read_text(encoding="utf-8")
    core = msgids(folders["core"] / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert {"Username %(username)s is already taken", "User not found",
            "Cannot order by %(name)s: unknown field"} <= core
    assert "value" not in core  # the key of `% {"value": value}` is not a message


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
def test_committed_catalogues_are_compiled(tmp_path):
    """Every committed .po has its .mo next to it, compiled from that very .po (the wheel ships both)."""
    po_files = sorted(Path(settings.PACKAGE_DIR).glob("*/locale/*/LC_MESSAGES/django.po"))
    assert any(path.parts[-5] == "core" for path in po_files)
    for po_file in po_files:
        compiled = tmp_path / "django.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po_file)], check=True)
        assert po_file.with_suffix(".mo").read_bytes() == compiled.read_bytes(), po_file


@pytest.fixture
def french_admin(db):
    admin = services.create_administrator("Admin", "admin123", "Admin", "Admin")
    services.change_user_language(admin, "fr")
    return admin


def _create_duplicate_admin(admin_client) -> dict:
    client_mutation_id = str(uuid.uuid4())
    result = admin_client(CREATE_USER, {"input": user_input(client_mutation_id, "Admin")})
    assert "errors" not in result, result
    logs = admin_client(MUTATION_LOG, {"id": client_mutation_id})["data"]["mutationLogs"]["edges"]
    return logs[0]["node"]


def test_a_french_user_gets_a_failed_mutation_error_in_french(gql, french_admin):
    assert "errors" not in gql.login("Admin", "admin123")
    node = _create_duplicate_admin(gql)
    assert node["status"] == 1
    assert json.loads(node["error"])[0]["message"] == DUPLICATE_FR
    assert translation.get_language() in (None, "en", "en-us")  # the request's language did not leak


def test_an_english_user_keeps_english_even_with_a_french_browser(gql, admin_user):
    assert "errors" not in gql.login("Admin", "admin123")
    client_mutation_id = str(uuid.uuid4())
    gql(CREATE_USER, {"input": user_input(client_mutation_id, "Admin")}, HTTP_ACCEPT_LANGUAGE="fr")
    node = gql(MUTATION_LOG, {"id": client_mutation_id})["data"]["mutationLogs"]["edges"][0]["node"]
    assert json.loads(node["error"])[0]["message"] == DUPLICATE_EN


def test_execute_mutation_runs_in_the_language_of_the_sender(french_admin):
    data = {"username": "Admin", "last_name": "X", "other_names": "Y", "language": "en",
            "user_types": ["INTERACTIVE"], "roles": []}
    log = MutationLog.objects.create(json_content="{}", user=french_admin)
    assert tasks.execute_mutation("CreateUserMutation", log.id, french_admin.pk, data) == MutationLog.ERROR
    log.refresh_from_db()
    assert json.loads(log.error)[0]["message"] == DUPLICATE_FR
    english = services.create_plain_user("english", "Secret123")
    log = MutationLog.objects.create(json_content="{}", user=english)
    tasks.execute_mutation("CreateUserMutation", log.id, english.pk, data)
    log.refresh_from_db()
    assert json.loads(log.error)[0]["message"] == DUPLICATE_EN


def test_constant_service_messages_are_translated_in_the_log():
    with translation.override("fr"):
        errors = tasks.translated([{"message": "Role not found", "detail": "x"},
                                   {"title": "t", "list": [{"message": "User not found"}]}])
    assert errors[0] == {"message": "Rôle introuvable", "detail": "x"}
    assert errors[1]["list"][0]["message"] == "Utilisateur introuvable"


def test_request_language_follows_the_user_else_the_browser(client, gql, french_admin):
    response = client.get("/api/health", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.headers["Content-Language"] == "fr"
    assert client.get("/api/health").headers["Content-Language"] == "en"
    assert "errors" not in gql.login("Admin", "admin123")
    result = gql('{ users(orderBy: ["nope"]) { totalCount } }')
    assert result["errors"][0]["message"] == "Impossible de trier par nope : champ inconnu"


def test_a_message_shared_by_modules_has_one_french_translation():
    """Django merges the modules' catalogues (the first module wins): a msgid that two modules share
    must read the same in both, or a message would change with the module order."""
    import gettext

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for mo_file in sorted(Path(settings.PACKAGE_DIR).glob("*/locale/fr/LC_MESSAGES/django.mo")):
        module = mo_file.parts[-5]
        with mo_file.open("rb") as stream:
            catalog = gettext.GNUTranslations(stream)._catalog
        for msgid, msgstr in catalog.items():
            if not msgid:
                continue  # the header
            if msgid in seen and seen[msgid][1] != msgstr:
                clashes.append((msgid, seen[msgid], (module, msgstr)))
            seen.setdefault(msgid, (module, msgstr))
    assert len(seen) > 200
    assert not clashes
