"""The command line: a thin typed layer over the library (nothing numeric lives here).

Each module below registers its commands on the one `app`; add a command module by importing it here.
"""

from parley.cli import case_commands  # noqa: F401  (validate, forecast, convert)
from parley.cli import compare  # noqa: F401  (compare)
from parley.cli.common import app

__all__ = ["app"]
