"""Set an xlsx workbook's creation and modification dates (docProps/core.xml), which openpyxl overwrites with the
time of saving: list reloads date removals by them (loaders/list_exports.py `export_date`)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path


def set_core_dates(path: Path, created: dt.date, modified: dt.date | None = None, hour: int = 9) -> Path:
    modified = modified or created
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    core = parts["docProps/core.xml"].decode("utf-8")
    for tag, day in (("created", created), ("modified", modified)):
        stamp = f"{day.isoformat()}T{hour:02d}:00:00Z"
        core = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", core)
    parts["docProps/core.xml"] = core.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
