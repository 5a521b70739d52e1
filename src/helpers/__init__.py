"""Helpers behind the notebooks: claims register, quantity parser, economics, charts and batch runs."""

from helpers.errors import ProjectError

__all__ = ["ProjectError"]
