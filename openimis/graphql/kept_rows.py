"""Rows of small, rarely changed tables (the location tree, the code lists) kept per process by key.

Nearly every list shows locations: an insuree's village with its municipality, district and region, the
family's the same. Joined, they are four joins per chain, which PostgreSQL plans anew on every request;
prefetched, a statement each. Kept, they cost a dictionary look-up: the loader (`openimis.graphql.loading`)
reads the foreign key of each row and attaches the kept row, whose own relations to kept rows of the same
kind (`parent`) are attached as well, so `village.parent.parent` reads no database at all.

A model is kept once declared with `keep_rows(Model)`. Its rows are read by key when first needed, whole
(every column, so any selection of columns can be answered), and kept under the version of the table
(`openimis.core.table_versions`): a committed write to the table drops them in every process that shares
the cache, and they are read again after `KEPT_SECONDS` at the latest. Inside a transaction nothing is
kept or given out. The kept rows are shared by the requests of a process: they are only read (the loader
gives them out only to selections made of their columns and their kept relations).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from django.db import connection
from django.db.models import Model, QuerySet

from openimis.core.table_versions import versions

MOST_KEPT = 20_000  # rows per model; beyond, the model's rows are dropped and read again
KEPT_SECONDS = 30.0
_kept_models: set[type[Model]] = set()


def keep_rows(model: type[Model]) -> None:
    """Declare `model` small and rarely changed: the loader attaches its kept rows instead of joining."""
    _kept_models.add(model)


def is_kept(model) -> bool:
    return model in _kept_models and not connection.in_atomic_block


def kept_relations(model) -> list:
    """The forward relations of `model` to kept models (`Location.parent`)."""
    return [field for field in model._meta.concrete_fields
            if field.many_to_one and field.related_model in _kept_models and field.target_field.primary_key]


class _Store:
    def __init__(self, model):
        self.model = model
        self.version: str | None = None
        self.read_at = 0.0
        self.rows: dict = {}
        self.lock = threading.Lock()

    def current(self) -> dict:
        version = versions([self.model._meta.db_table])[0]
        now = time.monotonic()
        with self.lock:
            if version != self.version or now - self.read_at > KEPT_SECONDS or len(self.rows) > MOST_KEPT:
                self.rows, self.version, self.read_at = {}, version, now
            return self.rows


_stores: dict[type[Model], _Store] = {}


def _store(model) -> _Store:
    found = _stores.get(model)
    if found is None:
        found = _stores.setdefault(model, _Store(model))
    return found


def kept(model, keys) -> dict:
    """{key: row} of the rows of `model` with these primary keys (read together when missing), with
    their relations to kept rows attached, all the way up."""
    rows = _store(model).current()
    wanted = {key for key in keys if key is not None}
    missing = wanted - rows.keys()
    if missing:
        _read(model, missing, rows)
    return {key: rows[key] for key in wanted if key in rows}


def _read(model, keys: set, rows: dict) -> None:
    """Read the rows of these keys, and the rows above them through relations to the same model (the
    parents of a location), then attach their relations to kept rows."""
    relations = kept_relations(model)
    upward = [relation for relation in relations if relation.related_model is model]
    new: dict = {}
    pending = set(keys)
    while pending:
        read = {row.pk: row for row in model._base_manager.filter(pk__in=pending)}
        new.update(read)
        pending = ({getattr(row, relation.attname) for row in read.values() for relation in upward}
                   - {None} - rows.keys() - new.keys())
    every_row = {**rows, **new}
    for relation in relations:
        targets = every_row if relation in upward else kept(
            relation.related_model, {getattr(row, relation.attname) for row in new.values()})
        for row in new.values():
            key = getattr(row, relation.attname)
            if key is None:
                relation.set_cached_value(row, None)
            elif key in targets:
                relation.set_cached_value(row, targets[key])
    rows.update(new)


def attach(rows, paths) -> None:
    """Attach kept rows along each path (`family__location`): the relations before the last are already
    on the rows (joined), the last one is read from its foreign key."""
    holders_by_path = defaultdict(list)
    for path in paths:
        *through, last = path.split("__")
        holders = rows
        for name in through:
            holders = [value for value in (getattr(holder, name, None) for holder in holders)
                       if value is not None]
        holders_by_path[(last, type(holders[0]) if holders else None)].extend(holders)
    for (name, model), holders in holders_by_path.items():
        if model is None:
            continue
        relation = model._meta.get_field(name)
        found = kept(relation.related_model, {getattr(holder, relation.attname) for holder in holders})
        for holder in holders:
            key = getattr(holder, relation.attname)
            if key is None:
                relation.set_cached_value(holder, None)
            elif key in found:
                relation.set_cached_value(holder, found[key])


_iterables: dict[tuple, type] = {}


def with_kept_rows(queryset: QuerySet, paths: list[str]) -> QuerySet:
    """`queryset` whose rows, once read, have the kept rows along `paths` attached."""
    key = (queryset._iterable_class, tuple(paths))
    iterable = _iterables.get(key)
    if iterable is None:
        base = queryset._iterable_class

        def __iter__(self):
            rows = list(base.__iter__(self))
            attach(rows, self.kept_paths)
            return iter(rows)

        iterable = type("KeptRowsIterable", (base,), {"kept_paths": tuple(paths), "__iter__": __iter__})
        _iterables[key] = iterable
    clone = queryset._chain()
    clone._iterable_class = iterable
    return clone

