"""The token verifier remembers tokens that passed, but never past their expiry, and never a
token that failed."""

from __future__ import annotations

import datetime as dt
import time

import jwt
import pytest

from api.auth import TokenVerifier
from api.settings import Settings
from schema.core.access import Role
from schema.core.errors import UnauthenticatedError

SECRET = "unit-test-secret-long-enough-for-hs256"


def token(settings: Settings, expires: dt.datetime, key: str = SECRET) -> str:
    claims = {"sub": "E1", "roles": ["frontend"], "iss": settings.jwt_issuer, "exp": expires}
    return jwt.encode(claims, key, "HS256")


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    settings = Settings(jwt_secret=SECRET)
    verifier = TokenVerifier(settings)
    expires = dt.datetime.fromtimestamp(int(time.time()) + 2, dt.UTC)
    header = f"Bearer {token(settings, expires)}"
    for _ in range(2):  # verified, then answered from memory
        principal = verifier.principal(header)
        assert principal.employee_id == "E1" and principal.roles == frozenset({Role.FRONTEND})
    time.sleep(max(0.0, expires.timestamp() - time.time()) + 0.1)
    with pytest.raises(UnauthenticatedError, match="expired"):
        verifier.principal(header)


def test_a_refused_token_stays_refused() -> None:
    settings = Settings(jwt_secret=SECRET)
    verifier = TokenVerifier(settings)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    forged = f"Bearer {token(settings, later, key='x' * 40)}"
    for _ in range(2):
        with pytest.raises(UnauthenticatedError, match="invalid"):
            verifier.principal(forged)
    assert verifier.principal(f"Bearer {token(settings, later)}").employee_id == "E1"
