"""The command line: a thin typed layer over the library (nothing numeric lives here).

Each module below registers its commands on the one `app`; add a command module by importing it here.
"""

import parley.cli.backtest  # noqa: F401  (backtest deu3, cases, fit-combined)
from parley.cli import case_commands  # noqa: F401  (validate, forecast, convert)
from parley.cli import compare  # noqa: F401  (compare)
from parley.cli import coalitions  # noqa: F401  (coalitions, front)
from parley.cli.common import app

__all__ = ["app"]
