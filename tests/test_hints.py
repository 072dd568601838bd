"""Hints speak to the tool in use: conf.py for Sphinx, _config.yml for Jupyter Book 1,
myst.yml for mystmd, the current folder for the command line."""

import sys
import types

from sphinx_modelsummary.problems import ModelSpecError
from sphinx_modelsummary.problems import HINTS, Hint, config_file, describe, sphinx_tool
from sphinx_modelsummary.model.spec import ModelSpec, _resolve

from front_ends import REPO as ROOT
from front_ends import run_cli

WORDS = {"sphinx": "conf.py", "jupyter-book": "_config.yml", "mystmd": "myst.yml", "cli": "current folder"}


def missing_module_error() -> ModelSpecError:
    try:
        _resolve(ModelSpec("ms_surely_missing_module", "build"))
    except ModelSpecError as error:
        return error
    raise AssertionError("the module was found")


def test_the_core_message_names_no_tool():
    message = str(missing_module_error())
    assert message.endswith("check the spec, and that the module's folder is on sys.path")
    assert not any(words in message for words in WORDS.values())


def test_each_tool_adds_its_own_hint():
    error = missing_module_error()
    assert set(HINTS) == set(WORDS)
    for tool, words in WORDS.items():
        message = describe(tool, error.problem, str(error), error.hint)
        assert message.startswith(str(error) + "; ") and words in message
        others = [w for t, w in WORDS.items() if t != tool]
        assert not any(w in message for w in others), tool


def test_only_the_problems_a_hint_fits_get_one():
    assert describe("sphinx", "import", "importing 'models' raised ValueError: no (at models.py:3)") == (
        "importing 'models' raised ValueError: no (at models.py:3)")
    assert describe("sphinx", "uncached", "cannot write the cache entry for 'a:b': disk full") == (
        "cannot write the cache entry for 'a:b': disk full")
    assert "sphinx-build" in describe("sphinx", "uncached", "no cached summary of 'a:b'", Hint.FILL)
    assert "myst build" in describe("mystmd", "stale", "the cached summary of 'a:b' is stale", Hint.REFRESH)
    assert describe("cli", "stale", "the cached summary is stale", Hint.REFRESH) == "the cached summary is stale"


def test_jupyter_book_1_is_told_apart_from_sphinx(monkeypatch):
    monkeypatch.delitem(sys.modules, "jupyter_book", raising=False)
    assert sphinx_tool() == "sphinx"
    assert config_file(sphinx_tool()) == "conf.py"
    monkeypatch.setitem(sys.modules, "jupyter_book", types.ModuleType("jupyter_book"))
    assert sphinx_tool() == "jupyter-book"
    assert config_file(sphinx_tool()) == "_config.yml (sphinx: config:)"


def test_the_command_line_speaks_of_the_current_folder():
    done = run_cli("ms_surely_missing_module:build", cwd=ROOT)
    assert done.returncode == 1
    assert "error (import)" in done.stderr and "the current folder is importable" in done.stderr
