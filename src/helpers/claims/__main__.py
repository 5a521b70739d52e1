"""``python -m helpers.claims``: see ``helpers.claims.cli``."""

import sys

from helpers.claims.cli import main

sys.exit(main())
