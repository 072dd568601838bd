import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # ms_basic_models; examples.mnist comes from the repository

project = "modelsummary-basic"
extensions = ["myst_parser", "sphinx_modelsummary"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
numfig = True
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # these tests are about the directive; tests/test_cache_builds.py tests the cache
show_warning_types = True  # " [modelsummary.subtype]" after each warning on Sphinx 7.3 and 7.4, as on 8
