"""A write whose database session the server ended is a transient failure, not a bug.

PostgreSQL ends a session idle inside a transaction (a frozen worker). What the worker
then sees depends on timing: a lost connection, or SQLAlchemy's "invalid transaction"
once the connection was invalidated. Either way nothing committed and the step is tried
again later, so both are :class:`~docbatch.errors.DatabaseBusyError`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError, PendingRollbackError

from docbatch.client import Docbatch
from docbatch.errors import DatabaseBusyError, ErrorCategory
from docbatch.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[Docbatch]:
    client = Docbatch(settings)
    yield client
    client.close()


def test_an_invalid_transaction_is_a_transient_database_busy_error(client: Docbatch) -> None:
    def work(connection: sa.Connection) -> None:
        raise PendingRollbackError("Can't reconnect until invalid transaction is rolled back")

    with pytest.raises(DatabaseBusyError, match="session ended") as caught:
        client.repo.write(work)
    assert caught.value.category is ErrorCategory.TRANSIENT


def test_a_lost_connection_is_a_transient_database_busy_error(client: Docbatch) -> None:
    def work(connection: sa.Connection) -> None:
        raise OperationalError(
            "SELECT 1",
            {},
            Exception("terminating connection due to idle-in-transaction timeout"),
            connection_invalidated=True,
        )

    with pytest.raises(DatabaseBusyError, match="idle-in-transaction"):
        client.repo.write(work)


def test_other_database_errors_are_left_as_they_are(client: Docbatch) -> None:
    def work(connection: sa.Connection) -> None:
        raise OperationalError("SELECT 1", {}, Exception("no such table: nowhere"))

    with pytest.raises(OperationalError):
        client.repo.write(work)
