"""Batch and document ids given in full or as a unique prefix.

The monitor, the dashboard and the run summary show ids cut to their first characters;
every command and endpoint that takes an id accepts such a prefix, resolved here once,
the same way on SQLite and PostgreSQL (a ``LIKE 'prefix%'`` with wildcards escaped).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import AmbiguousIdError, NotFoundError

__all__ = ["MIN_PREFIX", "resolve_id"]

#: The shortest prefix accepted: 6 hex characters leave ~16 million choices, so a
#: collision in one database is rare, and the 8 characters the monitor shows always work.
MIN_PREFIX = 6
#: How many of the matching ids an ambiguity error names.
_SHOWN = 5


def resolve_id(connection: Connection, column: sa.Column[str], given: str, what: str) -> str:
    """The one id of ``column`` equal to ``given``, or else starting with it.

    ``what`` names the kind of id in messages ("batch", "document"). Raises
    :class:`NotFoundError` when nothing matches or the prefix is shorter than
    :data:`MIN_PREFIX`, and :class:`AmbiguousIdError` when several ids start with it.
    """
    exact = connection.execute(sa.select(column).where(column == given)).scalar_one_or_none()
    if exact is not None:
        return str(exact)
    if len(given) < MIN_PREFIX:
        raise NotFoundError(
            f"no {what} with id {given!r} (a shortened id needs at least {MIN_PREFIX} characters)"
        )
    statement = (
        sa.select(column)
        .where(column.startswith(given, autoescape=True))
        .order_by(column)
        .limit(_SHOWN + 1)
    )
    matches = [str(value) for value in connection.execute(statement).scalars()]
    if not matches:
        raise NotFoundError(f"no {what} with id {given!r}")
    if len(matches) > 1:
        shown = ", ".join(matches[:_SHOWN]) + (", ..." if len(matches) > _SHOWN else "")
        raise AmbiguousIdError(
            f"{what} id {given!r} is ambiguous: it starts {shown}; give more characters"
        )
    return matches[0]
