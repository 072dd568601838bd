import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "modelsummary-rebuild"
extensions = ["sphinx_modelsummary"]
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # these tests are about the directive; tests/test_cache_builds.py tests the cache
