"""Hard limits on query size: nesting depth and number of aliases (validation rules).

The other limits of `settings.GRAPHQL_LIMITS` act before or after validation: MAX_QUERY_BYTES and
MAX_JSON_DEPTH in the view (`openimis.graphql.request_checks.check_graphql_params`), MAX_TOKENS while
the document is lexed (`openimis.graphql.validation.parse_within`), MAX_ARGUMENT_LENGTH when a field's
arguments reach its resolver, texts nested in input objects and lists included, in queries and
mutations (`openimis.graphql.text_lengths`, set by `openimis.graphql.connection.guard_query_arguments`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from graphql import GraphQLError, ValidationRule, specified_rules
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode


def _depth(node, fragments, seen) -> int:
    selection_set = getattr(node, "selection_set", None)
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            deepest = max(deepest, 1 + _depth(selection, fragments, seen))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            deepest = max(deepest, _depth(fragments[name], fragments, seen | {name}))
    return deepest


def _aliases(node) -> int:
    count = 0
    selection_set = getattr(node, "selection_set", None)
    if selection_set is None:
        return 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.alias is not None:
            count += 1
        count += _aliases(selection)
    return count


def limit_rules(max_depth: int, max_aliases: int) -> list[type[ValidationRule]]:
    """The GraphQL specification's rules plus the limits (a view's rules replace the default ones)."""
    class QueryLimits(ValidationRule):
        def enter_document(self, document, *_args):
            fragments = {definition.name.value: definition for definition in document.definitions
                         if not isinstance(definition, OperationDefinitionNode)}
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    depth = _depth(definition, fragments, frozenset())
                    if depth > max_depth:
                        self.report_error(GraphQLError(
                            _("Query is too deep: depth %(depth)s exceeds the limit of %(limit)s")
                            % {"depth": depth, "limit": max_depth}))
            aliases = sum(_aliases(definition) for definition in document.definitions)
            if aliases > max_aliases:
                self.report_error(GraphQLError(
                    _("Query has too many aliases: %(aliases)s exceeds the limit of %(limit)s")
                    % {"aliases": aliases, "limit": max_aliases}))

    return [*specified_rules, QueryLimits]
