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


@pytest.fixture(scope="module")
def browsers(tmp_path_factory):
    """``browsers(font_set)``: a Chromium that sees only that font set, started once per
    module (the browser tests; see browser_tools.py)."""
    from browser_tools import chromium, fontconfig

    started = {}
    folder = tmp_path_factory.mktemp("fontconfig")

    def browser_with(name: str):
        if name not in started:
            started[name] = chromium(fontconfig(name, folder))
        return started[name]

    yield browser_with
    for driver in started.values():
        driver.quit()
