"""A deterministic synthetic Chinese bank in the loader's format, with planted ground truth.

`generate_bank(customers, seed, out)` writes every load file of loaders/plan.py into `out/` and
what later features must rediscover into `out/ground_truth/` (docs/synthetic-bank.md). The same
`customers` and `seed` give byte-identical files.

bank.py runs the world (world.py over population.py, org.py, catalogue.py, customers.py and
links.py), then every structure registered in planted/ (one module each). parties.py, lists.py,
relations.py and customers.py write rows for either, each writer with its own random stream, id
block and files (streams.py, ids.py, sink.py); vocab.py holds the vocabulary.
"""

from loaders.synthetic.bank import (
    GENERATOR_VERSION,
    MIN_CUSTOMERS,
    GenerationSummary,
    bank_marker,
    generate_bank,
    generate_bank_once,
    main,
)
from loaders.synthetic.population import HOLDOUT_RATE
from loaders.synthetic.sink import GROUND_TRUTH

__all__ = [
    "GENERATOR_VERSION",
    "GROUND_TRUTH",
    "HOLDOUT_RATE",
    "MIN_CUSTOMERS",
    "GenerationSummary",
    "bank_marker",
    "generate_bank",
    "generate_bank_once",
    "main",
]
