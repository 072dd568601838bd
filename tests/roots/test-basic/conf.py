import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # ms_basic_models; examples.mnist comes from the repository

project = "modelsummary-basic"
extensions = ["myst_parser", "sphinx_modelsummary"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
numfig = True
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # these tests are about the directive; tests/test_cache_builds.py tests the cache
