"""Every error a client can see gets an `extensions.code`; the mapping lives in this one table.
The API applies it to each response as it is written (api/app.py), so errors raised outside any
resolver, which abort the operation, are coded and masked too.

Expected errors keep their message. Anything else is masked to "Internal server error" with an
error id, and logged here with that id and the full detail.
"""

from __future__ import annotations

import logging
import uuid

from graphql.error import GraphQLError

from api.middleware import REQUEST_ID
from graph.db import GraphUnavailable, QueryTimedOut
from schema.core.errors import (
    AuditFailedError,
    ConflictError,
    FailedPreconditionError,
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
)

log = logging.getLogger("relgraph.errors")

ERROR_CODES: dict[type[Exception], str] = {
    NotFoundError: "NOT_FOUND",
    ForbiddenError: "FORBIDDEN",
    InvalidArgumentError: "INVALID_ARGUMENT",
    UnauthenticatedError: "UNAUTHENTICATED",
    ConflictError: "CONFLICT",
    FailedPreconditionError: "FAILED_PRECONDITION",
    AuditFailedError: "AUDIT_FAILED",
    GraphUnavailable: "SERVICE_UNAVAILABLE",
    QueryTimedOut: "TIMEOUT",
}

MESSAGES: dict[str, str] = {
    "SERVICE_UNAVAILABLE": "The graph database is unavailable; try again shortly.",
    "TIMEOUT": "The query took too long and was stopped; narrow it and try again.",
}

INTERNAL = "INTERNAL_SERVER_ERROR"
MASKED = "Internal server error"
VALIDATION = "GRAPHQL_VALIDATION_FAILED"


def code_for(error: BaseException | None) -> str | None:
    for cls in type(error).__mro__ if error is not None else ():
        if cls in ERROR_CODES:
            return ERROR_CODES[cls]
    return None


def convert(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:
        # Parse and validation errors (syntax, unknown fields, depth/alias/token limits).
        return _with(error, error.message, VALIDATION)
    code = code_for(original)
    if code is not None:
        if code in MESSAGES:
            log.warning("%s: %s", code, original)
        return _with(error, MESSAGES.get(code, error.message), code)
    if isinstance(original, GraphQLError) and original.original_error is None:
        # Argument coercion failures (bad enum value, wrong scalar) raised during execution.
        return _with(error, error.message, VALIDATION)
    error_id = log_unexpected(original, error.path)
    return _with(error, MASKED, INTERNAL, error_id=error_id)


def log_unexpected(error: BaseException, where: object) -> str:
    """Logs an unexpected error with its full detail under a new id, for the masked answer."""
    error_id = uuid.uuid4().hex
    log.error("unexpected error %s at %s", error_id, where, exc_info=error)
    return error_id


def _with(error: GraphQLError, message: str, code: str, **extra: str) -> GraphQLError:
    extra["request_id"] = REQUEST_ID.get()
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": code, **extra},
    )
