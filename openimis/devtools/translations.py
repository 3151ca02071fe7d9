"""Per-module translation catalogues: Django's `makemessages` run in each enabled module's folder (its
messages go to `<module>/locale/<lang>/LC_MESSAGES/django.po`), and `compilemessages` for the `.mo`
files that are committed and shipped in the wheel.

The core catalogue also holds the messages of the packages that are not modules (`openimis/graphql`,
the top-level files): they are extracted from the `openimis/` folder with the other modules left out.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.makemessages import Command as MakeMessagesCommand
from django.test.utils import override_settings

from openimis.modules import BUILT_IN_MODULES, module_configs

LANGUAGES = ["en", "fr"]
IGNORED = ["tests", "migrations", "node_modules", "build", "__pycache__", "*.egg-info", "templates"]


# Besides gettext & co, the first argument of a service error is a message: a constant one is
# extracted and translated when the mutation log is written (see `openimis.core.tasks`).
ERROR_KEYWORDS = ["ValidationFailed:1", "NotFound:1", "PermissionDenied:1", "ServiceError:1"]
F_STRING_PLACEHOLDER = re.compile(r"\{[^{}]+\}")


class TranslationError(Exception):
    pass


class ModuleMakeMessages(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options,
                        *(f"--keyword={keyword}" for keyword in ERROR_KEYWORDS)]


def check_gettext() -> None:
    tools = ("xgettext", "msgmerge", "msguniq", "msgattrib", "msgfmt")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        raise TranslationError(f"the GNU gettext tools are missing ({', '.join(missing)}): "
                               "apt-get install gettext (Debian/Ubuntu), brew install gettext (macOS)")


@contextlib.contextmanager
def working_directory(path: Path):
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def module_folders(names: list[str] | None = None) -> dict[str, Path]:
    """Logical name -> package folder of the enabled modules (all, or those named)."""
    folders = {config.logical_name: Path(config.path) for config in module_configs()}
    if names:
        unknown = sorted(set(names) - set(folders))
        if unknown:
            raise TranslationError(f"not an enabled module: {', '.join(unknown)}")
        folders = {name: folders[name] for name in names}
    return folders


def _extract_in(source_root: Path, locale_dir: Path, languages: list[str], ignore: list[str],
                verbosity: int) -> None:
    locale_dir.mkdir(parents=True, exist_ok=True)
    with working_directory(source_root), override_settings(LOCALE_PATHS=[str(locale_dir)]):
        call_command(ModuleMakeMessages(), locale=languages, domain="django", ignore_patterns=ignore,
                     add_location="file", no_obsolete=True, verbosity=verbosity)


def extract(names: list[str] | None = None, languages: list[str] | None = None,
            verbosity: int = 0) -> dict[str, Path]:
    """Write/update the `.po` catalogues of the modules; returns logical name -> locale folder."""
    check_gettext()
    languages = languages or LANGUAGES
    done = {}
    package_root = Path(settings.PACKAGE_DIR)
    for name, folder in module_folders(names).items():
        locale_dir = folder / "locale"
        if name == "core" and folder.parent == package_root:
            # core and the non-module packages of openimis/: leave the other module folders out
            others = [other for other in BUILT_IN_MODULES if other != "core"]
            _extract_in(package_root, locale_dir, languages, IGNORED + others, verbosity)
        else:
            _extract_in(folder, locale_dir, languages, IGNORED, verbosity)
        for language in languages:
            fill_header(locale_dir / language / "LC_MESSAGES" / "django.po", name, language)
        done[name] = locale_dir
    return done


def fill_header(po_file: Path, module: str, language: str) -> None:
    """makemessages leaves a template header (fuzzy, no language): name the module and the language."""
    if not po_file.exists():
        return
    text = po_file.read_text(encoding="utf-8")
    head, separator, rest = text.partition('msgid ""\nmsgstr ""\n')
    if not separator:
        return
    if head.startswith("# SOME DESCRIPTIVE TITLE"):
        head = f"# Messages of the openIMIS module {module}, language {language}.\n"
    head = head.replace("#, fuzzy\n", "")
    project = f'"Project-Id-Version: openimis {module}\\n"'
    rest = rest.replace('"Project-Id-Version: PACKAGE VERSION\\n"', project, 1)
    rest = rest.replace('"Language: \\n"', f'"Language: {language}\\n"', 1)
    po_file.write_text(head + separator + drop_f_strings(rest), encoding="utf-8")


def drop_f_strings(text: str) -> str:
    """Leave out what the error keywords catch but can never match at run time: an f-string message
    (`f"... {x}"`: write `_("... %(x)s") % {"x": x}` to translate it) and the key `x` of such a
    `% {"x": x}` mapping inside an error's first argument."""
    entries = text.split("\n\n")
    msgids = {entry: _msgid(entry) for entry in entries}
    placeholders = {name for msgid in msgids.values() if msgid
                    for name in re.findall(r"%\((\w+)\)s", msgid)}
    kept = [entry for entry in entries
            if not (msgids[entry] and (F_STRING_PLACEHOLDER.search(msgids[entry])
                                       or msgids[entry] in placeholders))]
    return "\n\n".join(kept)


def _msgid(entry: str) -> str | None:
    for line in entry.splitlines():
        if line.startswith('msgid "'):
            return line[len('msgid "'):-1]
    return None


def compile_catalogues(names: list[str] | None = None, verbosity: int = 0) -> list[Path]:
    """msgfmt every `.po` of the modules' locale folders into its `.mo`."""
    check_gettext()
    compiled = []
    for folder in module_folders(names).values():
        locale_dir = folder / "locale"
        if not locale_dir.is_dir():
            continue
        with working_directory(folder), override_settings(LOCALE_PATHS=[]):
            call_command("compilemessages", verbosity=verbosity, ignore_patterns=["*/tests/*"])
        compiled.extend(sorted(locale_dir.glob("*/LC_MESSAGES/*.mo")))
    return compiled
