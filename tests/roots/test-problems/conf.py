import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "modelsummary-problems"
extensions = ["myst_parser", "sphinx_modelsummary"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # these tests are about the directive; tests/test_cache_builds.py tests the cache
show_warning_types = True  # " [modelsummary.subtype]" after each warning on Sphinx 7.3 and 7.4, as on 8
