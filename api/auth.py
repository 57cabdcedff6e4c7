"""Bearer tokens (HS256 JWTs) naming an employee and their access roles, and the branch scope
each caller gets from their employee record."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Iterable

import jwt

from api.settings import Settings
from graph.db import Database
from graph.org import branch_subtree_ids, employees_by_ids
from schema.core.access import Caller, Principal, Role, Visibility
from schema.core.errors import UnauthenticatedError

ALGORITHM = "HS256"


def mint_token(
    settings: Settings, employee_id: str, roles: Iterable[Role], ttl_minutes: int | None = None
) -> str:
    now = dt.datetime.now(dt.UTC)
    ttl = dt.timedelta(minutes=ttl_minutes or settings.token_ttl_minutes)
    claims = {
        "sub": employee_id,
        "roles": sorted(r.value for r in roles),
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise UnauthenticatedError("missing bearer token (Authorization: Bearer <token>)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def principal_from_token(settings: Settings, token: str) -> tuple[Principal, float]:
    """The caller a valid token names, and when the token expires (epoch seconds)."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "exp", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise UnauthenticatedError("the token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise UnauthenticatedError(f"invalid token: {exc}") from None
    raw_roles = claims.get("roles")
    if not isinstance(raw_roles, list) or not raw_roles:
        raise UnauthenticatedError("the token grants no roles")
    try:
        roles = frozenset(Role(r) for r in raw_roles)
    except ValueError:
        raise UnauthenticatedError(f"the token names an unknown role: {raw_roles}") from None
    return Principal(employee_id=str(claims["sub"]), roles=roles), float(claims["exp"])


class TokenVerifier:
    """Verifies bearer tokens, remembering the ones that passed until they expire: a front end
    sends the same token with every request, and checking its signature and claims again was a
    tenth of a small request's CPU. Only valid tokens are kept, a bounded number of them."""

    def __init__(self, settings: Settings, max_tokens: int = 10_000) -> None:
        self._settings = settings
        self._max_tokens = max_tokens
        self._verified: dict[str, tuple[Principal, float]] = {}

    def principal(self, authorization: str | None) -> Principal:
        token = _bearer_token(authorization)
        known = self._verified.get(token)
        if known is not None:
            if time.time() < known[1]:
                return known[0]
            del self._verified[token]
        principal, expires = principal_from_token(self._settings, token)
        if len(self._verified) >= self._max_tokens:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal


class CallerResolver:
    """Resolves a principal to their employee record and branch scope, remembered for a short
    while: every request needs them, and they change only when staff move branches.

    Bounded (least recently used out), per principal: concurrent first requests of one principal
    share one lookup, and a lookup for one principal never waits for another's. A request that is
    cancelled while it waits does not cancel the shared lookup (it is shielded), and a failed
    lookup is forgotten, so the next request tries again."""

    def __init__(self, db: Database, ttl_seconds: float = 60.0, max_entries: int = 10_000) -> None:
        self._db = db
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._entries: OrderedDict[Principal, tuple[float, asyncio.Future[Caller]]] = OrderedDict()

    async def __call__(self, principal: Principal) -> Caller:
        now = time.monotonic()
        entry = self._entries.get(principal)
        if entry is None or now - entry[0] >= self._ttl:
            lookup = asyncio.ensure_future(self._lookup(principal))
            # Retrieved here, so that a failure nobody is left waiting for is not logged as lost.
            lookup.add_done_callback(lambda done: done.cancelled() or done.exception())
            entry = (now, lookup)
            self._entries[principal] = entry
            if len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(principal)
        future = entry[1]
        try:
            return await asyncio.shield(future)
        except Exception:
            if self._entries.get(principal) is entry:
                del self._entries[principal]
            raise

    def forget(self) -> None:
        """Drops every remembered caller: the next request of each looks them up again."""
        self._entries.clear()

    async def _lookup(self, principal: Principal) -> Caller:
        (employee,) = await employees_by_ids(self._db, [principal.employee_id])
        if employee is None:
            raise UnauthenticatedError(
                f"the token names employee {principal.employee_id!r}, who is not on record"
            )
        # Staff who left stay on record with their ended posts: their tokens open nothing.
        if employee.branch_id is None:
            raise UnauthenticatedError(
                f"the token names employee {principal.employee_id!r}, who has no current post"
            )
        scope: list[str] | None = None
        if not principal.unrestricted:
            scope = await branch_subtree_ids(self._db, employee.branch_id)
        return Caller(principal, employee, Visibility.of(scope))
