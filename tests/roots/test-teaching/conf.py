import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # ms_teaching_models; examples.mnist comes from the repository

project = "modelsummary-teaching"
extensions = ["myst_parser", "sphinx_modelsummary"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
numfig = True
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # tests/test_teaching.py turns it on where the cache matters
