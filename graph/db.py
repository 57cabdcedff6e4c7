"""Driver lifecycle and the one way the rest of relgraph runs Cypher: a catalog statement
(queries.Q) with parameters."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString, NoReturn, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, NotificationMinimumSeverity, Query, RoutingControl
from neo4j.exceptions import (
    ClientError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from queries import CypherQuery

log = logging.getLogger(__name__)

Record = dict[str, Any]
T = TypeVar("T")


class GraphError(Exception):
    """Base of the errors the graph layer raises; the API maps each to an error code."""


class GraphUnavailable(GraphError):
    """Neo4j cannot be reached now; retrying later may succeed."""


class QueryTimedOut(GraphError):
    """A statement ran past its transaction timeout and was terminated by the server."""


class ConstraintViolation(GraphError):
    """A write broke a uniqueness constraint (for example a person and a company sharing an id)."""


@dataclass(frozen=True)
class Neo4jConfig:
    uri: str
    user: str | None = None
    password: str | None = None
    database: str = "neo4j"
    query_timeout_seconds: float = 10.0
    max_connection_pool_size: int = 50
    # How long the driver keeps retrying a failed transaction (lost connection, deadlock) before
    # giving up: short for the API, so an outage is reported quickly, longer for bulk loads.
    retry_seconds: float = 5.0


class Database:
    """An async driver. Safe to share across requests."""

    def __init__(self, config: Neo4jConfig) -> None:
        self.config = config
        auth = (config.user, config.password or "") if config.user else None
        self._driver = AsyncGraphDatabase.driver(
            config.uri,
            auth=auth,
            max_connection_pool_size=config.max_connection_pool_size,
            connection_acquisition_timeout=5.0,
            max_transaction_retry_time=config.retry_seconds,
            connection_timeout=5.0,
            # Warnings such as "label does not exist yet" on an empty graph are noise in logs.
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )
        # Counts statements sent, so tests can prove nested selections don't fan out (N+1).
        self._statements_run = 0

    @property
    def statements_run(self) -> int:
        return self._statements_run

    async def close(self) -> None:
        await self._driver.close()

    async def ping(self) -> None:
        """Raises GraphUnavailable unless the server answers a trivial query."""
        await self._autocommit("RETURN 1 AS ok", {}, 3.0, neo4j.READ_ACCESS)

    async def read(
        self,
        query: CypherQuery,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> list[Record]:
        """A read in an auto-commit transaction: one network round trip instead of the two of a
        managed transaction (BEGIN+RUN+PULL, then COMMIT), which halves API latency. A read that
        hits a connection the server has dropped is tried once more on a fresh one. `timeout`
        (seconds) is what is left of a budget several statements share; by default the
        configured transaction timeout."""
        timeout = timeout or self.config.query_timeout_seconds
        try:
            return await self._autocommit(query.text, params or {}, timeout, neo4j.READ_ACCESS)
        except GraphUnavailable:
            return await self._autocommit(query.text, params or {}, timeout, neo4j.READ_ACCESS)

    async def write(
        self,
        query: CypherQuery,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> list[Record]:
        return await self._write(query.text, params or {}, timeout=timeout)

    async def write_unit(
        self, work: Callable[[WriteTransaction], Awaitable[T]], *, timeout: float | None = None
    ) -> T:
        """Several statements in one write transaction, committed together or not at all, with
        `work` run again from the start when the driver retries a transient failure (a deadlock,
        a lost leader): `work` must do nothing but run statements and compute from their rows."""
        seconds = timeout or self.config.query_timeout_seconds

        @neo4j.unit_of_work(timeout=seconds)
        async def unit(tx: neo4j.AsyncManagedTransaction) -> T:
            return await work(WriteTransaction(self, tx))

        try:
            async with self._driver.session(
                database=self.config.database, default_access_mode=neo4j.WRITE_ACCESS
            ) as session:
                return await session.execute_write(unit)
        except Exception as exc:
            _raise_translated(exc)

    async def run_ddl(self, statement: LiteralString) -> None:
        """Schema statements from graph/schema.py (static text, no parameters)."""
        await self._write(statement, {}, timeout=300.0)

    async def run_autocommit(
        self, query: CypherQuery, params: Mapping[str, Any] | None = None, *, timeout: float = 600.0
    ) -> list[Record]:
        """For `CALL { … } IN TRANSACTIONS`, which must not run inside a managed transaction."""
        return await self._autocommit(query.text, params or {}, timeout, neo4j.WRITE_ACCESS)

    async def _autocommit(
        self, text: str, params: Mapping[str, Any], timeout: float, access_mode: str
    ) -> list[Record]:
        self._statements_run += 1
        # Catalog text is read from the repository's own files, never built from input.
        statement = Query(text, timeout=timeout)
        try:
            async with self._driver.session(
                database=self.config.database, default_access_mode=access_mode
            ) as session:
                result = await session.run(statement, dict(params))
                # Results are maps and lists of values, never graph entities, so the shallow
                # record → dict is enough (Record.data() walks every nested value again).
                return [
                    dict(zip(record.keys(), record.values(), strict=True))
                    async for record in result
                ]
        except Exception as exc:
            _raise_translated(exc)

    async def _write(
        self, text: str, params: Mapping[str, Any], *, timeout: float | None = None
    ) -> list[Record]:
        """A managed write transaction: the driver retries it on transient failures."""
        self._statements_run += 1
        # Catalog text is read from the repository's own files, never built from input.
        statement = Query(text, timeout=timeout or self.config.query_timeout_seconds)
        try:
            records, _, _ = await self._driver.execute_query(
                statement,
                dict(params),
                routing_=RoutingControl.WRITE,
                database_=self.config.database,
            )
        except Exception as exc:
            _raise_translated(exc)
        return [record.data() for record in records]


class WriteTransaction:
    """The statements of one Database.write_unit."""

    def __init__(self, db: Database, tx: neo4j.AsyncManagedTransaction) -> None:
        self._db = db
        self._tx = tx

    async def run(
        self, query: CypherQuery, params: Mapping[str, Any] | None = None
    ) -> list[Record]:
        self._db._statements_run += 1
        # Catalog text is read from the repository's own files, never built from input.
        result = await self._tx.run(query.text, dict(params or {}))
        return [dict(zip(r.keys(), r.values(), strict=True)) async for r in result]


def retried(exc: BaseException) -> bool:
    """Whether Database.write_unit would run its work again after `exc` (a deadlock, a lost
    connection): code inside a unit that turns failures into its own errors must let these
    through."""
    return isinstance(exc, neo4j.exceptions.Neo4jError | neo4j.exceptions.DriverError) and (
        exc.is_retryable()
    )


def _raise_translated(exc: Exception) -> NoReturn:
    translated = _translate(exc)
    if translated is exc:
        raise exc
    raise translated from exc


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, (ServiceUnavailable, SessionExpired, DatabaseUnavailable, OSError)):
        return GraphUnavailable(str(exc) or type(exc).__name__)
    if isinstance(exc, (ClientError, TransientError)):
        code = exc.code or ""
        if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
            return QueryTimedOut(exc.message or code)
        if "ConstraintValidationFailed" in code:
            return ConstraintViolation(exc.message or code)
    if isinstance(exc, neo4j.exceptions.DriverError) and "defunct" in str(exc).lower():
        return GraphUnavailable(str(exc))
    return exc
