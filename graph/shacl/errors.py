"""Errors of shapes graphs: what the specification says must fail, and what this compiler leaves to pySHACL."""

from __future__ import annotations


class ShapesError(ValueError):
    """The shapes graph breaks a rule of SHACL that requires a failure rather than a report (e.g. a SPARQL
    query using MINUS, SHACL 1.0 appendix A). The message names the shape and the rule."""


class Unsupported(ValueError):
    """A shape or constraint this compiler does not translate; pySHACL validates it instead."""
