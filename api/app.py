"""The FastAPI application: GraphQL at /graphql, liveness at /healthz, readiness at /readyz."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import JSONResponse
from graphql import ASTValidationRule, GraphQLError
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionResult

from api.auth import ScopeResolver, TokenVerifier
from api.errors import convert
from api.settings import Settings, get_settings
from graph.db import Database, GraphUnavailable
from graph.schema import apply_schema
from schema import build_schema
from schema.access import Principal
from schema.context import Context
from schema.errors import UnauthenticatedError

log = logging.getLogger("relgraph.api")

# Distinct query texts whose parse and validation results are kept.
_DOCUMENT_CACHE_SIZE = 1024


class _ParserCache(ParserCache):
    """Strawberry's parser cache raises syntax errors (and token-limit errors) from inside its
    hook, where Strawberry does not turn them into a GraphQL error response. Leaving the document
    unparsed lets Strawberry parse it again and report the error with its code as usual."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


class _ValidationCache(SchemaExtension):
    """Validates each query text once. Strawberry's own ValidationCache keys on the rule classes
    and the parsed document: the limiters build new rule classes per request, so it never hit, and
    hashing the document walks the whole tree. Here the rules are fixed when the app is built, so
    the query text alone decides the outcome."""

    def __init__(self, results: OrderedDict[str, list[GraphQLError]], maxsize: int) -> None:
        super().__init__()
        self._results = results
        self._maxsize = maxsize

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        text = context.query
        if text is None or context.graphql_document is None:
            yield
            return
        errors = self._results.get(text)
        if errors is None:
            errors = validate_document(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
            self._results[text] = errors
            if len(self._results) > self._maxsize:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(text)
        context.pre_execution_errors = errors
        yield


class _ReleaseRequestCaches(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, Context):
            context.release()


class _GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app on /graphql. Mounted as a plain route, not through FastAPI's router:
    its dependency injection cost a sixth of a small request's CPU, for two arguments.

    Codes and masks every error on its way out (api/errors.py), whichever stage raised it.
    orjson for request and response bodies: several times faster than the standard library on a
    customer 360 (a few KB), and it writes Chinese as UTF-8 rather than \\u escapes."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        state = _state(request)
        # An UnauthenticatedError here becomes a 401 (handler in create_app); inside a resolver
        # it would be a GraphQL error instead.
        return Context(state.db, authenticate(state, request), state.scopes)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [convert(error) for error in result.errors]
        return process_result(result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson.JSONDecodeError subclasses json's, which Strawberry turns into a clear 400.
        return orjson.loads(data)


class AppState:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.scopes = ScopeResolver(db)
        self.tokens = TokenVerifier(settings)
        self.schema_applied = False

    async def ensure_schema(self) -> None:
        if not self.schema_applied:
            await apply_schema(self.db)
            self.schema_applied = True


def _state(request: Request | WebSocket) -> AppState:
    state: AppState = request.app.state.relgraph
    return state


# GET never executes an operation here (allow_queries_via_get=False): it only serves the
# GraphiQL page in dev, which must load before the user can paste a token into it.
_PAGE_VISITOR = Principal(employee_id="", roles=frozenset())


def authenticate(state: AppState, request: Request | WebSocket) -> Principal:
    if isinstance(request, Request) and request.method == "GET":
        return _PAGE_VISITOR
    return state.tokens.principal(request.headers.get("authorization"))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_token_secret()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.neo4j_config())
        state = AppState(settings, db)
        app.state.relgraph = state
        try:
            await state.ensure_schema()
        except GraphUnavailable as exc:
            # Serve anyway: /readyz reports the outage and the schema is applied on recovery.
            log.warning("Neo4j unavailable at start-up (%s); will retry on /readyz", exc)
        # The ~100k objects of the loaded libraries and the schema live as long as the process:
        # kept out of the cyclic GC, a full collection pauses a request for ~15 ms, not ~75 ms.
        gc.collect()
        gc.freeze()
        yield
        await db.close()

    # The rule classes are built once, so that validating a query text once is valid for good.
    rules: list[type[ASTValidationRule]] = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.is_dev:
        rules += DisableIntrospection().validation_rules
    validated: OrderedDict[str, list[GraphQLError]] = OrderedDict()
    # Factories, so each request gets fresh extension instances.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        # Front ends send the same few documents over and over: parse and validate each once.
        lambda: _ParserCache(maxsize=_DOCUMENT_CACHE_SIZE),
        lambda: _ValidationCache(validated, maxsize=_DOCUMENT_CACHE_SIZE),
        _ReleaseRequestCaches,
    ]
    schema = build_schema(extensions, field_suggestions=settings.is_dev)
    graphql = _GraphQLApp(
        schema,
        graphql_ide="graphiql" if settings.is_dev else None,
        allow_queries_via_get=False,
    )

    app = FastAPI(
        title="relgraph",
        description="GraphQL knowledge graph of the bank's customer relationships",
        lifespan=lifespan,
        docs_url="/docs" if settings.is_dev else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.is_dev else None,
    )
    # An ASGI app as the endpoint: Starlette hands it the request as is.
    app.router.routes.append(Route("/graphql", graphql, include_in_schema=False))

    @app.exception_handler(UnauthenticatedError)
    async def unauthenticated(_: Request, exc: UnauthenticatedError) -> JSONResponse:
        body = {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]}
        return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        state = _state(request)
        try:
            await state.db.ping()
            await state.ensure_schema()
        except GraphUnavailable as exc:
            body: dict[str, Any] = {"status": "unavailable", "neo4j": "down", "detail": str(exc)}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ready", "neo4j": "up"})

    return app
