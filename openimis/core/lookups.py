"""Query lookups the openIMIS API filters use beyond Django's own (`location_Code_Ne`, ...)."""

from __future__ import annotations

from django.db.models import Field, Lookup


class NotEqual(Lookup):
    """`field__ne=value`: the rows whose value differs (rows without a value are not "different")."""

    lookup_name = "ne"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <> {rhs}", [*lhs_params, *rhs_params]


def register() -> None:
    Field.register_lookup(NotEqual)
