"""Parsing and validation of a query text, once per distinct text: clients send the same few hundred
operations over and over (the frontend builds them from fixed projections), and parsing and validating a
large document against the schema costs more than answering a small one. A parsed document is never
changed by execution, so threads share it.

The documents kept are bounded by the length of their texts, not only by their number: a parsed
document takes about 70 bytes per character of its text, so 512 texts of 100 KB, all different, would
have kept gigabytes (a client sending distinct large queries grew the server without limit). A text
longer than CACHEABLE_QUERY_LENGTH is never kept (the frontend's operations are far shorter); the texts
kept add up to at most CACHED_CHARACTERS, the least recently used going first.

A document with more tokens than the limit (`GRAPHQL_LIMITS["MAX_TOKENS"]`) is refused while it is
lexed, before the parser builds anything of it: the parser's CPU time and memory grow with the tokens."""

from __future__ import annotations

import inspect
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from graphql import DocumentNode, GraphQLError, Source, parse, validate
from graphql.language import Lexer, TokenKind

CACHED_DOCUMENTS = 512
CACHEABLE_QUERY_LENGTH = 20_000
# a parsed and validated text holds about 75 bytes per character: 200,000 characters are about 15 MB,
# room for a few hundred of the frontend's texts (1 to 5 KB each)
CACHED_CHARACTERS = 200_000
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


class PreparedCache:
    """The most recently used `Prepared` answers, by query text: at most CACHED_DOCUMENTS of them, texts
    of at most CACHEABLE_QUERY_LENGTH characters adding up to at most CACHED_CHARACTERS."""

    def __init__(self):
        self._answers: OrderedDict[str, Prepared] = OrderedDict()
        self._characters = 0
        self._lock = threading.Lock()

    @property
    def characters(self) -> int:
        return self._characters

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, query: str) -> Prepared | None:
        with self._lock:
            found = self._answers.get(query)
            if found is not None:
                self._answers.move_to_end(query)
            return found

    def put(self, query: str, prepared: Prepared) -> None:
        if len(query) > CACHEABLE_QUERY_LENGTH:
            return
        with self._lock:
            if query in self._answers:
                return
            self._answers[query] = prepared
            self._characters += len(query)
            while len(self._answers) > CACHED_DOCUMENTS or self._characters > CACHED_CHARACTERS:
                oldest, _prepared = self._answers.popitem(last=False)
                self._characters -= len(oldest)


def preparer(schema, rules, max_tokens: int | None = None):
    """A function `query text -> Prepared`, remembering the answers for the most recent texts (its
    `cache`: a `PreparedCache`)."""
    cache = PreparedCache()

    def prepare(query: str) -> Prepared:
        found = cache.get(query)
        if found is not None:
            return found
        try:
            document = parse_within(query, max_tokens)
        except GraphQLError as error:
            prepared = Prepared(None, (error,))
        else:
            prepared = Prepared(document, tuple(validate(schema.graphql_schema, document, rules)))
        cache.put(query, prepared)
        return prepared

    prepare.cache = cache
    return prepare
