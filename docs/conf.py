"""Sphinx configuration of the sphinx-modelsummary documentation."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root, so that ``examples.*`` (the models the pages show) imports.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # settings_table: the configuration table, made from the code

import sphinx_modelsummary  # noqa: E402

project = "sphinx-modelsummary"
author = "The sphinx-modelsummary authors"
copyright = "2025, the sphinx-modelsummary authors"
release = sphinx_modelsummary.__version__
version = release

extensions = ["sphinx_modelsummary", "myst_parser", "settings_table"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

html_theme = "furo"
html_title = f"sphinx-modelsummary {release}"

# Read the Docs has no TensorFlow: there the tables come from the committed cache.
modelsummary_mode = "cache" if os.environ.get("READTHEDOCS") else "auto"
