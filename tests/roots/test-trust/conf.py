import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "modelsummary-trust"
extensions = ["myst_parser", "sphinx_modelsummary"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # tests/test_trust.py tests the cache with projects of its own
