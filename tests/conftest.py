"""Sphinx's test fixtures, the test roots, and the repository on sys.path (``examples.mnist``)."""

import sys
from pathlib import Path

import pytest

pytest_plugins = "sphinx.testing.fixtures"

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"
