"""What the tests of every module share: a GraphQL client over Django's test client that checks the SQL
of every read (`client`), users with and without rights, the pytest fixtures (`fixtures`, loaded by the
repository's conftest.py; a module of its own adds `pytest_plugins = ["openimis.testing.fixtures"]`)
and the query-count harness with its committed baselines (`query_counts`)."""
