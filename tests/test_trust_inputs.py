"""Issue 16: a factory that reads a data file or an environment variable declares them, and
a change to either makes its cache entry stale, so no build shows the old number."""

from __future__ import annotations

import sys

import pytest

from sphinx_modelsummary.cache import SummaryCache

pytest.importorskip("keras")

from sphinx_modelsummary.model.summary import summarize  # noqa: E402

MODULE = '''
import os
from pathlib import Path

import keras

__modelsummary_inputs__ = ["vocab.txt", "$MS_TEST_UNITS"]


def build():
    vocab = len(Path(__file__).with_name("vocab.txt").read_text().split())
    units = int(os.environ.get("MS_TEST_UNITS", "4"))
    return keras.Sequential([keras.Input((vocab,)), keras.layers.Dense(units)])
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "ms_reads_inputs.py").write_text(MODULE)
    (tmp_path / "vocab.txt").write_text("a b c")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("MS_TEST_UNITS", "4")
    yield tmp_path, SummaryCache(tmp_path / "cache", tmp_path)
    sys.modules.pop("ms_reads_inputs", None)


def test_the_declared_file_is_a_source_and_the_variable_is_recorded(project):
    root, cache = project
    record = summarize("ms_reads_inputs:build")
    assert record["totals"]["params"] == 4 * (3 + 1)  # units · (vocab + 1), by hand
    assert str(root / "vocab.txt") in record["model"]["sources"]
    assert set(record["model"]["environment"]) == {"MS_TEST_UNITS"}
    assert "4" not in record["model"]["environment"].values()  # a digest, never the value


def test_a_changed_data_file_makes_the_entry_stale(project):
    root, cache = project
    cache.store("ms_reads_inputs:build", None, summarize("ms_reads_inputs:build"))
    assert not cache.load("ms_reads_inputs:build", None).stale
    (root / "vocab.txt").write_text("a b c d e")
    assert "vocab.txt changed" in cache.load("ms_reads_inputs:build", None).stale


def test_a_changed_environment_variable_makes_the_entry_stale(project, monkeypatch):
    root, cache = project
    cache.store("ms_reads_inputs:build", None, summarize("ms_reads_inputs:build"))
    monkeypatch.setenv("MS_TEST_UNITS", "8")
    assert "the environment variable MS_TEST_UNITS changed" in cache.load("ms_reads_inputs:build", None).stale
    monkeypatch.delenv("MS_TEST_UNITS")
    assert "MS_TEST_UNITS" in cache.load("ms_reads_inputs:build", None).stale
    monkeypatch.setenv("MS_TEST_UNITS", "4")
    assert not cache.load("ms_reads_inputs:build", None).stale
