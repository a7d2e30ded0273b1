"""SHACL validation set-at-a-time on the store: shape packs compiled to one query per constraint.

Modules: `packs` (reading shape packs, evaluation-date injection), `paths` (SHACL paths to SPARQL),
`core` (SHACL Core constraints, by spec section), `sparql` (SHACL-SPARQL constraints and constraint
components), `compiler` (shapes to queries), `report` (results, W3C validation report, summary),
`validator` (running it all on a store, pySHACL fallback). Supported features: FEATURES.md.
"""

from complygraph.graph.shacl.report import ValidationReport, ValidationResult
from complygraph.graph.shacl.validator import validate

__all__ = ["ValidationReport", "ValidationResult", "validate"]
