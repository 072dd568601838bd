"""Sphinx's test fixtures, the test roots, and the repository on sys.path (``examples.mnist``)."""

import sys
from pathlib import Path

import pytest

from old_sphinx import print_warning_types, sphinx_dir

pytest_plugins = "sphinx.testing.fixtures"

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
print_warning_types()


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return sphinx_dir(Path(__file__).resolve().parent / "roots")
