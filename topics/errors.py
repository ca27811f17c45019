"""Errors the topics library raises for input a user can fix."""

from __future__ import annotations


class InputError(ValueError):
    """An input file, column or row cannot be used; the message names the file and what is wrong."""
