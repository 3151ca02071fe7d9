"""Validation of a query text, once per distinct text: clients send the same few hundred operations over
and over (the frontend builds them from fixed projections), and validating a large document against the
schema costs more than answering a small one."""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLError, parse, validate

CACHED_DOCUMENTS = 512


def validation_errors(schema, rules) -> callable:
    """A function `query text -> list of validation errors` (None when the text does not parse: the
    execution reports that itself), remembering the answers for the most recent texts."""

    @lru_cache(maxsize=CACHED_DOCUMENTS)
    def errors_of(query: str) -> tuple | None:
        try:
            document = parse(query)
        except GraphQLError:
            return None
        return tuple(validate(schema.graphql_schema, document, rules))

    return errors_of
