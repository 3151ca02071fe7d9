from __future__ import annotations

from django.core.management.base import BaseCommand

from openimis.devtools import conf, installer, scaffold
from openimis.devtools.management.commands._base import DevtoolsErrors, base_folder


class Command(BaseCommand):
    help = ("Create a pip-installable openIMIS module next to the project, install it in editable mode "
            "and list it in openimis.json")
    template = "business"

    def add_arguments(self, parser):
        parser.add_argument("name", help="the module's Python package and logical name, e.g. my_module")
        parser.add_argument("author")
        parser.add_argument("email")
        if self.template == "business":
            parser.add_argument("--template", choices=scaffold.TEMPLATE_CHOICES, default="business")
        parser.add_argument("--github", action="store_true", help="add the CI and publish workflows")
        parser.add_argument("--path", help="the folder to write the module to (default: next to the project)")
        parser.add_argument("--no-install", action="store_true", help="only write the files")

    def handle(self, *args, **options):
        template = options.get("template") or self.template
        with DevtoolsErrors():
            folder = scaffold.create_module(options["name"], options["author"], options["email"],
                                            base_folder(options["path"]), template, options["github"])
            self.stdout.write(f"module '{options['name']}' ({template}) written to {folder}")
            if options["no_install"]:
                return
            installer.pip_install_editable(folder, echo=self.stdout.write)
            path = conf.register(options["name"], f"-e {folder}")
        self.stdout.write(self.style.SUCCESS(f"installed and listed in {path}"))
        self.stdout.write(f"enable it: OPENIMIS_CONF_JSON={path} openimis serve")
