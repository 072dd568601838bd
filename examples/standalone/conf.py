# A minimal Sphinx project that uses sphinx-modelsummary.
import os
import sys

# This folder, so that the pages can name ``models:build_classifier``.
sys.path.insert(0, os.path.abspath("."))
# Keep TensorFlow's start-up messages out of the build log.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

project = "Model summaries"
extensions = [
    "sphinx_modelsummary",
    "myst_parser",  # only needed for myst_page.md; remove it (and that page) for rST only
]
exclude_patterns = ["_build", "README.md"]
