"""Module developer tools behind the `openimis manage` commands: module skeletons, installing modules
from a local clone or a package index, `openimis.json` updates, translations."""
