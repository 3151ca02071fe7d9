"""Parsing and validation of a query text, once per distinct text: clients send the same few hundred
operations over and over (the frontend builds them from fixed projections), and parsing and validating a
large document against the schema costs more than answering a small one. A parsed document is never
changed by execution, so threads share it.

A document with more tokens than the limit (`GRAPHQL_LIMITS["MAX_TOKENS"]`) is refused while it is
lexed, before the parser builds anything of it: the parser's CPU time and memory grow with the tokens."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from graphql import DocumentNode, GraphQLError, Source, parse, validate
from graphql.language import Lexer, TokenKind

CACHED_DOCUMENTS = 512
# graphql-core 3.2 has `parse(max_tokens=...)` only in its later releases
PARSE_TAKES_MAX_TOKENS = "max_tokens" in inspect.signature(parse).parameters


def _refuse_beyond(query: str, max_tokens: int) -> None:
    """Count the tokens (comments excluded) with the lexer alone; stop at the first one beyond the limit."""
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
        if count > max_tokens:
            raise GraphQLError(_("The query has more than %(limit)s tokens") % {"limit": max_tokens})


def parse_within(query: str, max_tokens: int | None) -> DocumentNode:
    """`parse(query)`, refusing (GraphQLError) a document of more than `max_tokens` tokens before it is
    parsed. None: no limit."""
    if max_tokens is None:
        return parse(query)
    if PARSE_TAKES_MAX_TOKENS:
        return parse(query, max_tokens=max_tokens)
    _refuse_beyond(query, max_tokens)
    return parse(query)


@dataclass(frozen=True)
class Prepared:
    document: DocumentNode | None
    errors: tuple  # the syntax error, or the validation errors


def preparer(schema, rules, max_tokens: int | None = None):
    """A function `query text -> Prepared`, remembering the answers for the most recent texts."""

    @lru_cache(maxsize=CACHED_DOCUMENTS)
    def prepare(query: str) -> Prepared:
        try:
            document = parse_within(query, max_tokens)
        except GraphQLError as error:
            return Prepared(None, (error,))
        return Prepared(document, tuple(validate(schema.graphql_schema, document, rules)))

    return prepare
