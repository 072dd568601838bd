"""The persistent record cache, without Sphinx and without Keras."""

import json

import pytest

from sphinx_modelsummary import cache as cache_module
from sphinx_modelsummary.cache import SummaryCache

from records import small_record


@pytest.fixture
def project(tmp_path):
    (tmp_path / "models.py").write_text("def build(): ...\n")
    (tmp_path / "helpers.py").write_text("WIDTH = 32\n")
    record = small_record([str(tmp_path / "models.py"), str(tmp_path / "helpers.py")])
    return tmp_path, SummaryCache(tmp_path / "cache", tmp_path), record


def test_store_then_load(project):
    root, cache, record = project
    path = cache.store("models:build", "28, 28, 1", record)
    assert path.parent == root / "cache" and path.name.startswith("models-build-")
    hit = cache.load("models:build", "28,28,1")  # the same shape, written differently
    assert hit.record["totals"]["params"] == 320 and not hit.stale and not hit.missing
    assert hit.record["model"]["sources"] == [str(root / "helpers.py"), str(root / "models.py")]
    entry = json.loads(path.read_text())
    assert sorted(entry["sources"]) == ["helpers.py", "models.py"]  # portable: relative paths
    assert cache.load("models:build", "32, 32, 3").missing  # another input shape, another entry


def test_an_edit_to_any_source_makes_the_entry_stale(project):
    root, cache, record = project
    cache.store("models:build", None, record)
    (root / "helpers.py").write_text("WIDTH = 64\n")
    lookup = cache.load("models:build", None)
    assert lookup.stale == "helpers.py changed since the entry was made"
    assert lookup.record is not None


def test_a_new_framework_version_makes_the_entry_stale(project, monkeypatch):
    _, cache, record = project
    cache.store("models:build", None, record)
    monkeypatch.setattr(cache_module, "framework_versions",
                        lambda: {"keras": "9.9.9", "backend": "tensorflow", "backend_version": None})
    assert "keras" in cache.load("models:build", None).stale and "9.9.9" in cache.load("models:build", None).stale


def test_a_corrupt_entry_is_reported_as_missing(project):
    _, cache, record = project
    path = cache.store("models:build", None, record)
    path.write_text('{"record": ')
    lookup = cache.load("models:build", None)
    assert lookup.record is None and "unreadable" in lookup.missing


def test_an_interrupted_write_leaves_the_old_entry(project, monkeypatch):
    root, cache, record = project
    path = cache.store("models:build", None, record)
    before = path.read_text()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module.json, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.store("models:build", None, {**record, "totals": {"params": 1}})
    assert path.read_text() == before
    assert [p.name for p in (root / "cache").iterdir()] == [path.name]
