import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "modelsummary-problems"
extensions = ["myst_parser", "sphinx_modelsummary"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # these tests are about the directive; tests/test_cache_builds.py tests the cache
