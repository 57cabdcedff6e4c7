"""`python -m api …` is the `relgraph` command, for environments without the console script."""

from api.cli import app

app(prog_name="relgraph")
