# relgraph API and CLI. The image talks to an external Neo4j (NEO4J_URI); it never runs the
# embedded local server, so it needs neither Java nor Maven.
FROM python:3.11-slim

# RELGRAPH_DATA_DIR: Settings' default data dir is relative to the installed package
# (site-packages), which the runtime user cannot write; `relgraph demo` writes here instead.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RELGRAPH_DATA_DIR=/data \
    RELGRAPH_PUSH_RULES_FILE=/app/config/push_rules.toml

# A fixed, unprivileged uid, so volume ownership is predictable.
RUN groupadd --system --gid 10001 relgraph \
    && useradd --system --uid 10001 --gid relgraph --home-dir /app --shell /usr/sbin/nologin relgraph \
    && mkdir -p /app /data \
    && chown relgraph:relgraph /app /data

# Build from a scratch folder, then delete it: at run time `relgraph` imports the installed
# package, with its queries/*.cypher package data, and nothing shadows it from the working dir.
# The locked versions first (hash-checked, a layer of its own), then relgraph without resolving
# again: the image runs exactly what CI ran.
WORKDIR /tmp/relgraph-src
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY api ./api
COPY graph ./graph
COPY loaders ./loaders
COPY queries ./queries
COPY schema ./schema
RUN pip install --no-cache-dir --no-deps . \
    && cd / \
    && rm -rf /tmp/relgraph-src

# Settings also read a `.env` from the working directory; /app is where one would be mounted.
WORKDIR /app
USER relgraph

EXPOSE 8000

# slim has no curl; the standard library is enough. Any error or non-2xx answer exits non-zero.
# It probes the port of the default CMD; change both together.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# The push rules (parameterised routing of opportunities): mount another file over it to change them.
COPY --chown=relgraph:relgraph config/push_rules.toml /app/config/push_rules.toml

# Bind all interfaces: inside a container, 127.0.0.1 would be unreachable from the host.
CMD ["relgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
