"""SHACL validation set-at-a-time on the store: shape packs compiled to one query per constraint.

Modules: `packs` (reading shape packs, evaluation-date injection), `paths` (SHACL paths to SPARQL),
`core` (SHACL Core constraints, by spec section), `sparql` (SHACL-SPARQL constraints and constraint
components; `sparql_rules` the queries SHACL forbids and the fast join form, `sparql_text` pre-binding written
into the query text), `targets` (focus nodes), `errors` (what must fail, what goes to pySHACL), `compiler`
(shapes to queries), `report` (results, W3C validation report, summary),
`messages` (result messages), `validator` (running it all on a store, pySHACL fallback), `standalone`
(any data graph and shapes graph, called like `pyshacl.validate`). Supported features: FEATURES.md.
"""

from complygraph.graph.shacl.report import ValidationReport, ValidationResult
from complygraph.graph.shacl.standalone import validate_graph
from complygraph.graph.shacl.validator import validate

__all__ = ["ValidationReport", "ValidationResult", "validate", "validate_graph"]
