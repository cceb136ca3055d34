"""Query lookups the ORM does not spell the way a database plans best."""

from django.db.models.lookups import In


class InSubquery(In):
    """`field IN (subquery)`, which PostgreSQL writes `= ANY(ARRAY(subquery))`: run
    first and probed through the field's index. Its planner otherwise hash-joins the
    subquery against every row of the outer table that passes the other filters (an
    area's few hundred places against every closure in England). Use as a filter
    expression: `.filter(InSubquery(F("asset"), assets.values("pk")))`."""

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql" and not self.rhs_is_direct_value():
            return f"= ANY(ARRAY{rhs})"
        return super().get_rhs_op(connection, rhs)
