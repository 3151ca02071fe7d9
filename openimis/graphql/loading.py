"""Load what a query asks for, nothing more.

The relations a GraphQL selection reaches are found by reading the selection set (look-ahead) and
loaded for the whole page at once: a relation to one row is joined into the list's statement while the
statement stays within `MAX_JOINS`, beyond that (and for every relation to many rows) it is prefetched,
one query per relation and page, itself loaded the same way. Nothing is joined that the query does not
select, so PostgreSQL never plans a forty-join statement, and the rows read only the columns the selected
fields need (`only()`), unless a field is computed by a resolver of its own.

What the model alone cannot tell is declared on the type with `declare_relation`: a to-many field that
shows only the current rows, the pending mutation behind `clientMutationId`, ... The resolver of such a
field reads the prefetched rows with `prefetched(row, to_attr, arguments)` and falls back to its own
query when they are not there (a node query, a nested connection with filters).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode

from openimis.graphql import kept_rows

# joins one statement may hold, those of its filters included (planning grows fast beyond a few)
MAX_JOINS = 6
PAGING_ARGUMENTS = {"first", "last", "before", "after", "offset"}


def only_paging(arguments: dict) -> bool:
    """True when a field is asked for without any filter or ordering: it may then answer from rows
    prefetched for the whole list instead of querying once per parent."""
    return all(key in PAGING_ARGUMENTS or value is None for key, value in arguments.items())


@dataclass(frozen=True)
class RelatedRows:
    """What a field reads beyond the row itself.

    `lookup` is the model relation to prefetch through, `queryset` gives the related rows the field
    shows (current rows, an ordering), `to_attr` is where its resolver finds them (None: the relation's
    own cache, which `.all()` reads). `nodes` says that the field's own selection describes those rows
    (a list or connection of them), so their relations are loaded too; a scalar such as
    `clientMutationId` sets it to False. The rows are prefetched only when the field is asked without
    arguments other than paging and `arguments` (those its resolver applies to the prefetched rows)."""

    lookup: str
    to_attr: str | None
    queryset: Callable[[], QuerySet]
    nodes: bool = True
    arguments: frozenset = frozenset()


@dataclass(frozen=True)
class Needs:
    """What a field computed by its own resolver reads: rows related to one (`lastName` of a user reads
    its profile: the paths `i_user`, `officer__location` are joined or prefetched like selected
    relations) and columns of the row itself (`age` reads `dob`). Without it, the row is read whole."""

    paths: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


_declared: dict[type, dict[str, RelatedRows | Needs]] = defaultdict(dict)


def declare_relation(graphene_type: type, field_name: str, relation: RelatedRows | Needs) -> None:
    """Declare what `field_name` (the GraphQL name, `clientMutationId`) of `graphene_type` reads."""
    name = to_camel_case(field_name)
    if name in _declared[graphene_type]:
        raise ValueError(f"{graphene_type.__name__}.{name}: relation declared twice")
    _declared[graphene_type][name] = relation


def prefetched(row, to_attr: str, arguments: dict | None = None):
    """The rows the loader prefetched for a declared relation, or None when the resolver must query
    them itself (not prefetched, or asked with filters that the prefetched rows did not apply)."""
    if arguments and not only_paging(arguments):
        return None
    return getattr(row, to_attr, None)


# --- reading the selection ------------------------------------------------------------------------


def _applies(type_condition, object_type: GraphQLObjectType, info) -> bool:
    if type_condition is None:
        return True
    name = type_condition.name.value
    if name == object_type.name:
        return True
    return isinstance(info.schema.get_type(name), GraphQLInterfaceType)


def selected_fields(field_nodes: Iterable[FieldNode], object_type: GraphQLObjectType, info
                    ) -> dict[str, list[FieldNode]]:
    """The fields selected under `field_nodes` on `object_type`, by GraphQL name, fragments merged."""
    found: dict[str, list[FieldNode]] = defaultdict(list)

    def walk(selection_set, seen: frozenset):
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found[selection.name.value].append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if _applies(selection.type_condition, object_type, info):
                    walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = info.fragments.get(name)
                if fragment is not None and name not in seen and _applies(
                        fragment.type_condition, object_type, info):
                    walk(fragment.selection_set, seen | {name})

    for field_node in field_nodes:
        walk(field_node.selection_set, frozenset())
    return found


def connection_nodes(field_nodes: Iterable[FieldNode], connection_type, info) -> list[FieldNode]:
    """The `node` fields under `edges` of a connection selection."""
    edges_type = get_named_type(connection_type.fields["edges"].type)
    nodes = []
    for edges in selected_fields(field_nodes, connection_type, info).get("edges", ()):
        nodes.extend(selected_fields([edges], edges_type, info).get("node", ()))
    return nodes


def connection_node_type(connection_type) -> GraphQLObjectType | None:
    edges_type = get_named_type(connection_type.fields["edges"].type)
    return _django_object_type(edges_type.fields["node"].type)


def _arguments(field_node: FieldNode) -> set[str]:
    return {argument.name.value for argument in field_node.arguments or ()}


# --- planning -------------------------------------------------------------------------------------


_field_names: dict[type, dict[str, str]] = {}


def _snake_names(graphene_type) -> dict[str, str]:
    """{GraphQL name: the type's own field name} (`chfId` -> `chf_id`)."""
    names = _field_names.get(graphene_type)
    if names is None:
        names = {to_camel_case(name): name for name in getattr(graphene_type._meta, "fields", {})}
        _field_names[graphene_type] = names
    return names


def _model_field(graphene_type, model, graphql_name: str):
    """The model field behind a GraphQL field of a Django object type, when it is a relation to one row."""
    name = _snake_names(graphene_type).get(graphql_name)
    if name is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a reverse accessor name such as `healthfacility_set`
        return None
    if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model is not None:
        return field
    return None


def _django_object_type(graphql_type) -> GraphQLObjectType | None:
    named = get_named_type(graphql_type)
    graphene_type = getattr(named, "graphene_type", None)
    if isinstance(named, GraphQLObjectType) and getattr(getattr(graphene_type, "_meta", None), "model", None):
        return named
    return None


def _is_connection(graphql_type) -> bool:
    named = get_named_type(graphql_type)
    return isinstance(named, GraphQLObjectType) and "edges" in named.fields and "pageInfo" in named.fields


@dataclass
class _Plan:
    joins: list[str]
    prefetches: list[Prefetch]
    columns: list[str]  # for `only()`: the columns of the rows and of the joined relations
    kept: list[str] = field(default_factory=list)  # relations answered by kept rows (`kept_rows`)

    def add_prefetch(self, prefetch: Prefetch) -> None:
        if all(existing.prefetch_to != prefetch.prefetch_to for existing in self.prefetches):
            self.prefetches.append(prefetch)


def _declared_prefetch(relation: RelatedRows, prefix: str, field_nodes, graphql_type,
                       info) -> Prefetch | None:
    queryset = relation.queryset()
    if relation.nodes:
        if any(_arguments(node) - PAGING_ARGUMENTS - relation.arguments for node in field_nodes):
            return None  # filtered per parent: the resolver queries
        node_type = _django_object_type(graphql_type)
        if _is_connection(graphql_type):
            connection = get_named_type(graphql_type)
            field_nodes = connection_nodes(field_nodes, connection, info)
            node_type = connection_node_type(connection)
        if node_type is not None and field_nodes:
            queryset = load(queryset, node_type, field_nodes, info, narrow=False)
    return Prefetch(prefix + relation.lookup, queryset=queryset, to_attr=relation.to_attr)


def _all_columns(model, prefix: str) -> list[str]:
    return [prefix + field.name for field in model._meta.concrete_fields]


def _read_columns(graphene_type, model, names, declared: dict) -> set[str] | None:
    """The columns of `model` that the selected fields read, or None when one of them computes its value
    in a resolver of its own (it may read any column). Relations add their key; declared relations to
    many rows read only the primary key."""
    columns = {model._meta.pk.name}
    snake_names = _snake_names(graphene_type)
    for name in names:
        if name == "__typename" or isinstance(declared.get(name), RelatedRows):
            continue
        if isinstance(declared.get(name), Needs):
            columns.update(path.split("__")[0] for path in declared[name].paths
                           if _single_valued(model, path.split("__")[0]))
            columns.update(declared[name].columns)
            continue
        if name == "id":  # the relay id: the primary key
            continue
        snake = snake_names.get(name)
        if snake is None or getattr(graphene_type, f"resolve_{snake}", None) is not None:
            return None
        try:
            field = model._meta.get_field(snake)
        except FieldDoesNotExist:
            return None
        if field.concrete:
            columns.add(field.name)
        elif not (field.one_to_many or field.many_to_many):
            return None  # a reverse one-to-one: its resolver reads the other side
    return columns


def plan(model, object_type: GraphQLObjectType, field_nodes, info, join_budget: int) -> _Plan:
    """Breadth first over the selection: the shallowest relations to one row are joined while the
    budget lasts; the others become prefetches, each loaded by the same rule."""
    result = _Plan([], [], [])
    queue = deque([("", model, object_type, list(field_nodes), False)])
    while queue:
        prefix, current_model, current_type, nodes, every_column = queue.popleft()
        graphene_type = current_type.graphene_type
        declared = _declared.get(graphene_type, {})
        selection = selected_fields(nodes, current_type, info)
        columns = None if every_column else _read_columns(graphene_type, current_model, selection, declared)
        result.columns.extend(_all_columns(current_model, prefix) if columns is None
                              else [prefix + column for column in columns])
        for name, sub_nodes in selection.items():
            graphql_field = current_type.fields.get(name)
            if graphql_field is None:
                continue
            relation = declared.get(name)
            if isinstance(relation, Needs):
                for needed in relation.paths:
                    hops = _new_hops(prefix + needed, result.joins)
                    if join_budget >= hops and _single_valued(current_model, needed):
                        join_budget -= hops
                        result.joins.append(prefix + needed)
                        result.columns.extend(_joined_columns(current_model, needed, prefix))
                    else:
                        result.add_prefetch(Prefetch(prefix + needed))
                continue
            if relation is not None:
                prefetch = _declared_prefetch(relation, prefix, sub_nodes, graphql_field.type, info)
                if prefetch is not None:
                    result.add_prefetch(prefetch)
                continue
            model_field = _model_field(graphene_type, current_model, name)
            target_type = _django_object_type(graphql_field.type)
            if model_field is None or target_type is None:
                continue
            path = prefix + model_field.name
            # a resolver of the relation itself may read any column of the related row
            resolved_here = getattr(graphene_type, f"resolve_{model_field.name}", None) is not None
            if not resolved_here and _answered_by_kept_rows(model_field, target_type, sub_nodes, info):
                result.kept.append(path)
            elif join_budget > 0:
                join_budget -= 1
                result.joins.append(path)
                queue.append((path + "__", model_field.related_model, target_type, sub_nodes, resolved_here))
            else:
                related = model_field.related_model._base_manager.all()
                result.add_prefetch(Prefetch(path, queryset=load(related, target_type, sub_nodes, info,
                                                                 narrow=not resolved_here)))
    return result


def _answered_by_kept_rows(relation, object_type: GraphQLObjectType, field_nodes, info) -> bool:
    """True when the relation leads to a kept model (`kept_rows`) and the selection reads nothing but
    the kept rows' columns and their relations to other kept rows, with the type's default resolvers."""
    model = relation.related_model
    if not relation.target_field.primary_key or not kept_rows.is_kept(model):
        return False
    graphene_type = object_type.graphene_type
    declared = _declared.get(graphene_type, {})
    snake_names = _snake_names(graphene_type)
    onward = {field.name: field for field in kept_rows.kept_relations(model)}
    for name, sub_nodes in selected_fields(field_nodes, object_type, info).items():
        if name in ("id", "__typename"):
            continue
        snake = snake_names.get(name)
        if snake is None or name in declared or getattr(graphene_type, f"resolve_{snake}", None) is not None:
            return False
        if snake in onward:
            target_type = _django_object_type(object_type.fields[name].type)
            if target_type is None or not _answered_by_kept_rows(onward[snake], target_type, sub_nodes, info):
                return False
            continue
        try:
            model_field = model._meta.get_field(snake)
        except FieldDoesNotExist:
            return False
        if not model_field.concrete or model_field.is_relation:
            return False
    return True


def _new_hops(path: str, joined: list[str]) -> int:
    """The joins a select_related `path` adds to those already planned."""
    parts = path.split("__")
    known = set()
    for existing in joined:
        pieces = existing.split("__")
        known.update("__".join(pieces[:end]) for end in range(1, len(pieces) + 1))
    return sum("__".join(parts[:end]) not in known for end in range(1, len(parts) + 1))


def _joined_columns(model, path: str, prefix: str) -> list[str]:
    """Every column of each model along a joined path (a computed field may read any of them)."""
    columns, walked = [], prefix
    for name in path.split("__"):
        field = model._meta.get_field(name)
        columns.append(walked + name)
        model, walked = field.related_model, walked + name + "__"
        columns.extend(_all_columns(model, walked))
    return columns


def _single_valued(model, path: str) -> bool:
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a reverse accessor (`userdistrict_set`): to many
            return False
        if not (field.many_to_one or field.one_to_one):
            return False
        model = field.related_model
    return True


def joins_in(queryset: QuerySet) -> int:
    """The joins the statement already holds (its filters and orderings)."""
    return max(len(queryset.query.alias_map) - 1, 0)


def load(queryset: QuerySet, object_type: GraphQLObjectType, field_nodes, info,
         narrow: bool = True) -> QuerySet:
    """`queryset` with the relations selected under `field_nodes` joined or prefetched and, when `narrow`,
    only the columns the selection reads (a prefetch of rows to many keeps every column: Django reads
    their key back to the parent)."""
    narrow = narrow and _narrowable(queryset)
    result = plan(queryset.model, object_type, field_nodes, info, MAX_JOINS - joins_in(queryset))
    if result.joins:
        queryset = queryset.select_related(*result.joins)
    if result.prefetches:
        queryset = queryset.prefetch_related(*result.prefetches)
    if narrow:
        queryset = queryset.only(*dict.fromkeys(result.columns))
    if result.kept:
        queryset = kept_rows.with_kept_rows(queryset, result.kept)
    return queryset


def _narrowable(queryset: QuerySet) -> bool:
    """Columns are chosen only for a plain queryset: not one that already joins relations of its own
    (they would be deferred and traversed at once), selects values or defers columns itself."""
    query = queryset.query
    return not query.select_related and not query.values_select and not query.deferred_loading[0]


def load_rows(rows: Model | list, object_type: GraphQLObjectType, field_nodes, info):
    """Rows already fetched (a node, a root field answering objects): their selected relations are
    prefetched, one query per relation for all of them."""
    instances = [rows] if isinstance(rows, Model) else [row for row in rows if isinstance(row, Model)]
    if instances:
        result = plan(object_type.graphene_type._meta.model, object_type, field_nodes, info, 0)
        if result.kept:
            kept_rows.attach(instances, result.kept)
        if result.prefetches:
            prefetch_related_objects(instances, *result.prefetches)
    return rows


def load_root_rows(result, info):
    """What a root field answered, with the relations its selection reaches loaded when it answers rows
    of a Django type (a list, one object). Connections and nodes load their own."""
    if result is None:
        return result
    object_type = _django_object_type(info.return_type)
    if object_type is None:
        return result
    model = object_type.graphene_type._meta.model
    if isinstance(result, QuerySet):
        return load(result, object_type, info.field_nodes, info) if result.model is model else result
    if isinstance(result, Model | list):
        return load_rows(result, object_type, info.field_nodes, info)
    return result
