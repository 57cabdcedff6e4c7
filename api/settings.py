"""All configuration, from the environment or a `.env` file; README's table lists every variable."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.compliance import (
    DEFAULT_ACCESS_EXPOSURE_HOPS,
    DEFAULT_ACCESS_REQUIRED_LISTS,
    ComplianceRules,
)
from graph.crosssell.rules import DEFAULT_CROSSSELL_RULES
from graph.db import Neo4jConfig
from graph.local_server import PROJECT_ROOT, LocalNeo4j
from graph.opportunities import DEFAULT_RULES_FILE, OpportunityPolicy
from graph.rulebook import Rulebook
from graph.segment_rules import DEFAULT_SEGMENT_RULES

DEV_JWT_SECRET = "relgraph-dev-secret-change-me-0123456789"  # noqa: S105 - dev only, refused in prod


class Environment(StrEnum):
    DEV = "dev"
    PROD = "prod"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELGRAPH_", env_file=".env", extra="ignore")

    env: Environment = Environment.PROD
    # An external server; when unset, relgraph runs its own local Neo4j (graph/local_server.py).
    neo4j_uri: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD")
    )
    neo4j_database: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))
    neo4j_port: int = Field(default=7687, ge=1024, le=65535)
    neo4j_heap_mb: int = Field(default=2048, ge=256)
    neo4j_pagecache_mb: int = Field(default=1024, ge=64)
    data_dir: Path = PROJECT_ROOT / "var"
    # Where `relgraph serve` and `relgraph demo` listen unless --port says otherwise.
    port: int = Field(default=8000, ge=1, le=65535)
    query_timeout_seconds: float = Field(default=10.0, gt=0, le=600)

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "relgraph"
    token_ttl_minutes: int = Field(default=8 * 60, ge=1)

    # Off runs every operation on graphql-core's own executor (schema/core/executor.py says why
    # one would): same answers, more CPU per request.
    compiled_executor: bool = True

    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=100)
    # A larger request body is refused (413) before it is read whole.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    # Origins allowed to call the API from a browser (CORS), comma-separated; none by default.
    cors_origins: Annotated[list[str], NoDecode] = []
    access_log: bool = True

    # Compliance (graph/compliance.py says what each rule does).
    exposure_fanout_cap: int = Field(default=1000, ge=1)
    screening_fanout_cap: int = Field(default=20_000, ge=1)
    exposure_paths: int = Field(default=5, ge=1, le=50)
    screening_max_hops: int = Field(default=3, ge=1, le=6)
    # JSON objects: {"R1": 1, …} and {"DEBT_INSTRUMENT": "投资人准入名单", …}.
    access_exposure_hops: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_ACCESS_EXPOSURE_HOPS)
    )
    access_required_lists: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_ACCESS_REQUIRED_LISTS)
    )
    alert_poll_seconds: float = Field(default=1.0, gt=0, le=60)

    demo_customers: int = Field(default=10_000, ge=500)
    demo_seed: int = 42

    # Rule files (TOML, versioned; graph/rules.py): the repository's own unless pointed elsewhere.
    segment_rules: Path = DEFAULT_SEGMENT_RULES
    crosssell_rules: Path = DEFAULT_CROSSSELL_RULES
    # Opportunities (商机): the push-rule file, grade thresholds on the score (A at or above
    # grade_a, B at or above grade_b, else C), how long one stays open, the largest screening list.
    push_rules_file: Path = DEFAULT_RULES_FILE
    opportunity_grade_a: float = Field(default=0.6, gt=0, le=1)
    opportunity_grade_b: float = Field(default=0.4, gt=0, le=1)
    opportunity_ttl_days: int = Field(default=90, ge=1)
    screening_limit: int = Field(default=5000, ge=1, le=100_000)
    # Referrals (转介): days an open referral may go without a stage change before
    # `relgraph referrals expire` closes it.
    referral_expiry_days: int = Field(default=30, ge=1)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _grades_in_order(self) -> Settings:
        if self.opportunity_grade_b > self.opportunity_grade_a:
            raise ValueError("RELGRAPH_OPPORTUNITY_GRADE_B must not be above GRADE_A")
        return self

    @model_validator(mode="after")
    def _secret_long_enough(self) -> Settings:
        if len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("RELGRAPH_JWT_SECRET must be at least 32 characters")
        return self

    def check_token_secret(self) -> None:
        """The API and token minting refuse the well-known dev key outside RELGRAPH_ENV=dev."""
        if not self.is_dev and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
            raise ValueError(
                "RELGRAPH_JWT_SECRET must be set to your own key unless RELGRAPH_ENV=dev"
            )

    def rulebook(self) -> Rulebook:
        """The rule files, validated: a RulesError names the file and key at fault."""
        return Rulebook.load(self.segment_rules, self.crosssell_rules)

    @property
    def is_dev(self) -> bool:
        return self.env is Environment.DEV

    def local_server(self) -> LocalNeo4j:
        return LocalNeo4j(
            home=self.data_dir / "neo4j",
            port=self.neo4j_port,
            heap_mb=self.neo4j_heap_mb,
            page_cache_mb=self.neo4j_pagecache_mb,
        )

    def compliance_rules(self) -> ComplianceRules:
        return ComplianceRules(
            exposure_fanout_cap=self.exposure_fanout_cap,
            screening_fanout_cap=self.screening_fanout_cap,
            exposure_paths=self.exposure_paths,
            screening_max_hops=self.screening_max_hops,
            access_exposure_hops=self.access_exposure_hops,
            access_required_lists=self.access_required_lists,
            alert_poll_seconds=self.alert_poll_seconds,
        )

    def opportunity_policy(self) -> OpportunityPolicy:
        return OpportunityPolicy(
            grade_a=self.opportunity_grade_a,
            grade_b=self.opportunity_grade_b,
            ttl_days=self.opportunity_ttl_days,
            rules_file=self.push_rules_file,
            screening_limit=self.screening_limit,
        )

    def neo4j_config(self) -> Neo4jConfig:
        uri = self.neo4j_uri or self.local_server().uri
        return Neo4jConfig(
            uri=uri,
            user=self.neo4j_user,
            password=self.neo4j_password.get_secret_value() if self.neo4j_password else None,
            database=self.neo4j_database,
            query_timeout_seconds=self.query_timeout_seconds,
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
