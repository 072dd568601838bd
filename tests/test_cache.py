"""The persistent record cache, without Sphinx and without Keras."""

import json

import pytest

from sphinx_modelsummary import cache as cache_module
from sphinx_modelsummary.cache import SummaryCache
from sphinx_modelsummary.model.summary import build_record


def small_record(sources: list[str]) -> dict:
    """A record as summary.build_record makes it: one layer of 3 x 3 x 1 x 32 + 32 = 320 weights."""
    fact = {"name": "conv", "label": "conv", "class": "Thing", "module": "mypkg", "depth": 0, "parent": None,
            "call": 0, "shared": False, "is_model": False, "is_layer": True, "config": {},
            "input_shapes": [[None, 28, 28, 1]], "output_shapes": [[None, 26, 26, 32]], "real_output_shapes": None,
            "weights": [{"name": "conv/kernel", "path": "kernel", "shape": [3, 3, 1, 32], "trainable": True,
                         "dtype": "float32"},
                        {"name": "conv/bias", "path": "bias", "shape": [32], "trainable": True, "dtype": "float32"}],
            "connected_to": [], "wraps": [], "sublayers": []}
    model = {"name": "m", "class": "Sequential", "spec": "models:build", "input_shapes": None,
             "inputs": [[None, 28, 28, 1]], "outputs": [[None, 26, 26, 32]], "keras_version": "3", "backend": "x",
             "sources": sources}
    return build_record([fact], model=model, keras_totals={"params": 320, "trainable": 320},
                        memory={"float32": 1280})


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
