"""Parsing and validation of a query text, once per distinct text: clients send the same few hundred
operations over and over (the frontend builds them from fixed projections), and parsing and validating a
large document against the schema costs more than answering a small one. A parsed document is never
changed by execution, so threads share it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, parse, validate

CACHED_DOCUMENTS = 512


@dataclass(frozen=True)
class Prepared:
    document: DocumentNode | None
    errors: tuple  # the syntax error, or the validation errors


def preparer(schema, rules):
    """A function `query text -> Prepared`, remembering the answers for the most recent texts."""

    @lru_cache(maxsize=CACHED_DOCUMENTS)
    def prepare(query: str) -> Prepared:
        try:
            document = parse(query)
        except GraphQLError as error:
            return Prepared(None, (error,))
        return Prepared(document, tuple(validate(schema.graphql_schema, document, rules)))

    return prepare
