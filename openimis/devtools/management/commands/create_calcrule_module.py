from __future__ import annotations

from openimis.devtools.management.commands.create_openimis_module import Command as CreateModuleCommand


class Command(CreateModuleCommand):
    help = ("Create a calculation-rule module (openimis.core.calculation contract) next to the project, "
            "install it in editable mode and list it in openimis.json")
    template = "calculation"
