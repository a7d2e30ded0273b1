"""The package layout: the design card's top-level folders become `complygraph.*` through pyproject's
package-dir map, and a wheel holds only the packages that map lists. A new subfolder that is left out of
the map imports fine from a checkout (editable install) and is missing from every real install."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_python_package_folder_is_listed_and_mapped():
    mapped = {ROOT / folder: name for name, folder in CONFIG["package-dir"].items()}
    for folder in sorted({p.parent for top in mapped for p in top.rglob("__init__.py")}):
        if ".venv" in folder.parts or "static" in folder.parts:
            continue
        assert folder in mapped, f"{folder.relative_to(ROOT)} is a package but not in [tool.setuptools.package-dir]"
        assert mapped[folder] in CONFIG["packages"], f"{mapped[folder]} is not in [tool.setuptools] packages"


def test_imports_inside_the_package_are_absolute():
    """Relative imports resolve through the package-dir map, not through the folders a reader sees."""
    for folder in CONFIG["package-dir"].values():
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom):
                    assert node.level == 0, f"{path.relative_to(ROOT)}:{node.lineno}: relative import"


def test_the_readme_names_every_list_id_of_the_catalogue():
    """Regression (QA B17): the README's "List ids:" line left out eu-rohs-annex-iv, which `--help` and the
    error messages name."""
    lists = tomllib.loads((ROOT / "data" / "lists.toml").read_text(encoding="utf-8"))["lists"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = readme[readme.index("List ids:"):readme.index("data/lists.toml", readme.index("List ids:"))]
    assert {name for name in lists if f"`{name}`" not in line} == set()
