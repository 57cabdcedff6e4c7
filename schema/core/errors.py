"""Errors resolvers raise on purpose. api/errors.py maps each class to its `extensions.code`."""

from __future__ import annotations


class ApiError(Exception):
    """An expected failure whose message is safe to show the caller."""


class NotFoundError(ApiError):
    def __init__(self, kind: str, id_: str) -> None:
        super().__init__(f"{kind} {id_!r} was not found")


class ForbiddenError(ApiError):
    pass


class InvalidArgumentError(ApiError):
    pass


class UnauthenticatedError(ApiError):
    pass


class ConflictError(ApiError):
    """The request conflicts with the current state of what it names."""


class FailedPreconditionError(ApiError):
    """Something the request relies on is not so (a holding not on record, a rule file with
    problems); it may succeed once that is put right."""


class ActorNotAllowedError(ForbiddenError):
    """The caller may not take this action on this item (not its owner, their branch head or an
    admin)."""


class IllegalTransitionError(ConflictError):
    """The item's status cannot change the way the action asks (an opportunity already closed,
    or changed by someone else meanwhile)."""


class AuditFailedError(ApiError):
    """The audit record of a compliance query could not be written, so it is not answered."""
