"""`field__any_of=values`: membership in a long list of values, as one parameter.

`field__in=[5,000 ids]` makes Django prepare each value and write a placeholder for each, and
the driver split the statement around them: about half a second per statement at 5,000 values
(the bulk disbursement update reads its projects' figures with several such statements). On
PostgreSQL `any_of` sends the list as one array (`= ANY(%s)`); elsewhere it is the usual IN.
The values must already be of the column's type (ints for ids, dates for dates).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


Field.register_lookup(AnyOf)
# Related fields keep their own lookups (not those registered on Field).
ForeignObject.register_lookup(AnyOf)
