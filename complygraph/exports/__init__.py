"""Exports of what the graph holds, in the formats other tools read: a full material declaration per part or
product as IPC-1752A Class D or IEC 62474 XML (`export_ipc1752a`, `export_iec62474`), which imports back into
another store as the same composition, and the SCIP-ready dataset of articles holding a Candidate List
substance above 0.1 % w/w (`scip_rows`, `write_scip`; `unidentified_articles`: those whose supplier declares it
without naming the substance), and what a declaration request sends a supplier (the
Form 2-1 survey XLSX, an IPC-1752A request, a summary: `write_request_files`, docs/requests.md). Every
reading is a set query; docs/exports.md says what each file holds, what the standards require and where that
was read."""

from __future__ import annotations

from complygraph.exports.iec62474 import export_iec62474
from complygraph.exports.ipc1752a import export_ipc1752a
from complygraph.exports.request_forms import ipc1752a_request, write_form21, write_request_files, write_summary
from complygraph.exports.scip import COLUMNS as SCIP_COLUMNS
from complygraph.exports.scip import (
    NOT_IDENTIFIED,
    SCIP_RANGES,
    concentration_range,
    not_identified,
    scip_rows,
    unidentified_articles,
    write_scip,
)
from complygraph.exports.tree import Company, ExportError

__all__ = ["NOT_IDENTIFIED", "SCIP_COLUMNS", "SCIP_RANGES", "Company", "ExportError", "concentration_range",
           "export_iec62474", "export_ipc1752a", "ipc1752a_request", "not_identified", "scip_rows",
           "unidentified_articles", "write_form21", "write_request_files", "write_scip", "write_summary"]
