"""The command line: a thin typed layer over the library (nothing numeric lives here).

Each module below registers its commands on the one `app`; add a command module by importing it here.
"""

import parley.cli.backtest  # noqa: F401  (backtest deu3, cases, fit-combined)
import parley.cli.case_commands  # noqa: F401  (validate, forecast, convert)
import parley.cli.coalitions  # noqa: F401  (coalitions, front)
import parley.cli.compare  # noqa: F401  (compare)
import parley.cli.ensemble  # noqa: F401  (ensemble)
import parley.cli.levers  # noqa: F401  (levers)
import parley.cli.report  # noqa: F401  (report)
import parley.cli.runs  # noqa: F401  (runs ..., diff)
import parley.cli.sensitivity  # noqa: F401  (sensitivity)
import parley.cli.serve  # noqa: F401  (serve)
from parley.cli.common import app

__all__ = ["app"]
