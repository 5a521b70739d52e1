"""``python -m helpers.batch``: see :mod:`helpers.batch.cli`."""

import sys

from helpers.batch.cli import main

sys.exit(main())
