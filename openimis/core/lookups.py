"""Query lookups the openIMIS API filters use beyond Django's own (`location_Code_Ne`, ...)."""

from __future__ import annotations

from django.db.models import CharField, Field, Lookup
from django.db.models.lookups import IStartsWith


class NotEqual(Lookup):
    """`field__ne=value`: the rows whose value differs (rows without a value are not "different")."""

    lookup_name = "ne"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <> {rhs}", [*lhs_params, *rhs_params]


def digits_after(prefix: str) -> str | None:
    """The smallest string of digits above every string that starts with `prefix` (digits only):
    "1000" -> "1001", "1099" -> "11"; None when there is none ("999")."""
    kept = prefix.rstrip("9")
    if not kept:
        return None
    return kept[:-1] + str(int(kept[-1]) + 1)


class DigitPrefixIStartsWith(IStartsWith):
    """`istartswith` that also bounds the column itself when the prefix is made of digits (insurance
    numbers, `chfId_Istartswith: "1000"`): `col >= '1000' AND col < '1001'` beside Django's
    `UPPER(col) LIKE '1000%'`, which it does not change.

    Digits have no case, so the bounds hold in every collation that orders digits as characters (all
    the default ones; not a numeric-ordering ICU collation). They let the planner walk the column's own
    btree from the first match when the list is ordered by that column: without them, PostgreSQL may
    read the ordering index from its start, filtering every row before the prefix (a million rows for
    an unlucky prefix whose match count it overestimates from its histogram)."""

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        prefix = self.rhs
        if (not isinstance(prefix, str) or not prefix.isascii() or not prefix.isdigit()
                or hasattr(self.lhs, "lhs")):  # a transformed column (`__unaccent__istartswith`)
            return sql, params
        column, column_params = compiler.compile(self.lhs)
        bounds = [f"{column} >= %s"]
        bound_params = [*column_params, prefix]
        upper = digits_after(prefix)
        if upper is not None:
            bounds.append(f"{column} < %s")
            bound_params += [*column_params, upper]
        return f"({sql} AND {' AND '.join(bounds)})", [*params, *bound_params]


def register() -> None:
    Field.register_lookup(NotEqual)
    CharField.register_lookup(DigitPrefixIStartsWith)
