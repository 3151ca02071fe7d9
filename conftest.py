"""The shared test fixtures for every test of the repository (openimis/*/tests and tests/)."""

pytest_plugins = ["openimis.testing.fixtures"]
