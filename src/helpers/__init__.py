"""Helpers behind the notebooks: claims register, quantity parser, economics, charts and batch runs."""

import os

from helpers.errors import ProjectError

if os.environ.get("PAKCLAIMS_OUTPUT_DIR"):  # a kernel of the batch: note the data files this report reads
    from helpers import reads

    reads.install()

__all__ = ["ProjectError"]
