"""`openimis manage describe_modules [--json]`: what each enabled module declares and plugs in."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from graphene.utils.str_converters import to_camel_case

from openimis.core.hook_registry import declared_hooks, registered_handlers
from openimis.graphql.extensions import declared_extensions
from openimis.modules import import_string_or_none, module_configs


def _root_fields(path: str | None) -> list[str]:
    found = import_string_or_none(path)
    return sorted(to_camel_case(name) for name in found._meta.fields) if found is not None else []


def _inside(dotted: str, package: str) -> bool:
    return dotted == package or dotted.startswith(package + ".")


def _url_prefixes(config) -> list[str]:
    mounts = ((config.url_prefix, config.urls), ("/", config.root_urls))
    return [prefix for prefix, url_module in mounts if url_module]


def describe() -> list[dict]:
    """One entry per enabled module, in the order of openimis.json."""
    import openimis.graphql.schema  # noqa: F401 - building the schema declares every extension

    hooks, handlers, extensions = declared_hooks(), registered_handlers(), declared_extensions()
    described = []
    for config in module_configs():
        own = config.name
        described.append({
            "module": config.module_name,
            "package": config.name,
            "requires": list(config.requires),
            "queries": _root_fields(config.queries),
            "mutations": _root_fields(config.mutations),
            "rights": dict(config.rights or {}),
            "adds_fields": [str(extension) for extension in extensions if _inside(extension.module, own)],
            "declares_hooks": [str(hook) for hook in hooks if hook.owner == config.module_name],
            "handles_hooks": [f"{hook.name}: {where}" for hook, where in handlers if _inside(where, own)],
            "url_prefixes": _url_prefixes(config),
        })
    return described


class Command(BaseCommand):
    help = ("Print, for each enabled module: the modules it requires, its queries, mutations and rights, "
            "the fields it adds to other modules' GraphQL types, the hooks it declares, the handlers "
            "it registers and where its URLs are mounted.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args, **options):
        described = describe()
        if options["json"]:
            self.stdout.write(json.dumps(described, indent=2))
            return
        for entry in described:
            self.stdout.write(f"{entry['module']} ({entry['package']})")
            self.stdout.write(f"  requires: {', '.join(entry['requires']) or '-'}")
            for key in ("queries", "mutations", "adds_fields", "declares_hooks", "handles_hooks"):
                values = entry[key]
                self.stdout.write(f"  {key.replace('_', ' ')} ({len(values)}): {', '.join(values) or '-'}")
            rights = ", ".join(f"{name}={code}" for name, code in entry["rights"].items())
            self.stdout.write(f"  rights: {rights or '-'}")
            self.stdout.write(f"  urls under: {', '.join(entry['url_prefixes']) or '-'}")
