"""The tests that cross modules (contract, browser, end to end); the shared fixtures come from the root
conftest.py (openimis.testing.fixtures)."""
