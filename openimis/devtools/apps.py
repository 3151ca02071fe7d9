from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The developer commands (module skeletons, installs, translations, generated data): a Django app of
    its own, not an openIMIS module, so that no module depends on the tooling."""

    name = "openimis.devtools"
    label = "devtools"
    verbose_name = "openIMIS Lite developer tools"
