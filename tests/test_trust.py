"""Issue 8 without Sphinx: specs, cache entries, sources, Keras's global state.

(tests/test_trust_builds.py has the same cases in real builds; tests/test_cli.py, the
command line's.)
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from sphinx_modelsummary.cache import SummaryCache
from sphinx_modelsummary.problems import ModelSpecError, Problem
from sphinx_modelsummary.model.record_check import latex_problem, record_problem
from sphinx_modelsummary.model.sources import is_users
from sphinx_modelsummary.model.spec import parse_input_shapes, parse_spec
from sphinx_modelsummary.sphinx_ext.directive import find_summaries

from records import small_record

REPO = Path(__file__).resolve().parents[1]
TRUST = Path(__file__).resolve().parent / "roots" / "test-trust"


# Specs and input shapes ------------------------------------------------------------------------


def test_a_repeated_keyword_is_a_syntax_error():
    with pytest.raises(ModelSpecError) as caught:
        parse_spec("m:f(size=4, size=5)")
    assert caught.value.problem is Problem.SYNTAX and "'size' is given twice" in str(caught.value)


@pytest.mark.parametrize("text", ["28,,28,1", ",28", "28, , 1", "(28,,)"])
def test_an_empty_size_is_a_syntax_error(text):
    with pytest.raises(ModelSpecError) as caught:
        parse_input_shapes(text)
    assert caught.value.problem is Problem.SYNTAX


def test_a_trailing_comma_is_a_tuple():
    assert parse_input_shapes("(16,)") == [(16,)] and parse_input_shapes("28, 28, 1,") == [(28, 28, 1)]


# Cache entries are untrusted input ---------------------------------------------------------------


@pytest.fixture
def stored(tmp_path):
    (tmp_path / "models.py").write_text("def build(): ...\n")
    cache = SummaryCache(tmp_path / "cache", tmp_path)
    path = cache.store("models:build", None, small_record([str(tmp_path / "models.py")]))
    return cache, path, json.loads(path.read_text())


def mutated(entry: dict, change) -> dict:
    entry = copy.deepcopy(entry)
    change(entry)
    return entry


BAD_ENTRIES = {
    "empty parts": lambda e: e.update(record={}, sources={}, framework={}),
    "sources a list": lambda e: e.update(sources=[]),
    "layers missing": lambda e: e["record"].pop("layers"),
    "params a string": lambda e: e["record"]["totals"].update(params="34,826"),
    "a count a float": lambda e: e["record"]["layers"][0]["params"].update(total=1.5),
    "a count a bool": lambda e: e["record"]["totals"].update(trainable=True),
    "a huge count": lambda e: e["record"]["totals"].update(params=10**30),
    "a huge depth": lambda e: e["record"]["layers"][0].update(depth=10**9),
    "a row a string": lambda e: e["record"]["layers"].append("row"),
    "a name a number": lambda e: e["record"]["layers"][0].update(name=5),
    "TeX input": lambda e: e["record"]["layers"][0]["formula"]["latex"].update(symbolic=r"\input{/etc/passwd}"),
    "MathJax href": lambda e: e["record"]["layers"][0]["formula"]["latex"].update(substituted=r"\href{javascript:x}{1}"),
    "TeX escape ^^": lambda e: e["record"]["layers"][0]["formula"]["latex"].update(symbolic="^^5cinput{x}"),
    "a stray brace": lambda e: e["record"]["layers"][0]["formula"]["latex"].update(symbolic="k}"),
    "another spec's entry": lambda e: e.update(spec="other:model"),
    "a NUL in a source": lambda e: e.update(sources={"a\0b": None}),
    "schema 0": lambda e: e["record"].update(schema=0),
}


@pytest.mark.parametrize("change", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_bad_entry_is_missing_not_a_crash(stored, change):
    cache, path, entry = stored
    path.write_text(json.dumps(mutated(entry, change)))
    found = cache.load("models:build", None)
    assert found.record is None and "is invalid" in found.missing


def test_an_entry_that_is_a_link_to_a_device_is_not_read(stored):
    cache, path, _ = stored
    path.unlink()
    path.symlink_to("/dev/zero")
    found = cache.load("models:build", None)
    assert found.record is None and "not a regular file" in found.missing


def test_the_good_entry_is_used(stored):
    cache, _, _ = stored
    assert cache.load("models:build", None).record["totals"]["params"] == 320


def test_a_source_that_is_a_device_is_not_read(stored):
    cache, path, entry = stored
    path.write_text(json.dumps(mutated(entry, lambda e: e["sources"].update({"/dev/zero": "0" * 64}))))
    assert "/dev/zero changed" in cache.load("models:build", None).stale  # and it returned at once


@pytest.mark.parametrize("latex", [r"k \cdot \left(f + 1\right)", r"\mathrm{odd\_name\&\%\$\#\{\}}\ 3 \times 4",
                                   r"\left\lfloor \left(28 - 3\right) / 1\right\rfloor + 1"])
def test_plain_maths_passes(latex):
    assert latex_problem(latex) == ""


def test_every_record_the_code_makes_passes_the_check():
    """If this fails after a change to the formulas, add the new LaTeX command to
    record_check.LATEX_WORDS (or fix the record's shape in record_check.RECORD)."""
    pytest.importorskip("keras")
    from sphinx_modelsummary.model.summary import summarize

    specs = ["examples.mnist:build_cnn", "examples.text:build_lstm", "examples.text:build_bigru",
             "examples.transformer:build_encoder_block", "examples.functional:build_listing_model",
             "modelzoo:multi_io", "modelzoo:nested_and_shared", "modelzoo:custom_layer", "modelzoo:keras_shape_quirks",
             'examples.layers:single("LSTM", (None, 8), units=16)']  # MACs per step: the number of steps is free
    for spec in specs:
        record = summarize(spec)
        assert record_problem(json.loads(json.dumps(record))) == "", spec


# The user's files a model came from ----------------------------------------------------------------


@pytest.fixture
def user_code(tmp_path):
    """Modules written for one test, on sys.path, forgotten afterwards."""
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


def test_code_that_ran_is_a_source_however_it_was_reached(user_code):
    pytest.importorskip("keras")
    from sphinx_modelsummary.model.summary import summarize

    (user_code / "ms_registry.py").write_text("BUILDERS = {}\n")
    (user_code / "ms_blocks.py").write_text(
        "import keras\nimport ms_registry\n\n\ndef dense():\n"
        "    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n\n\n"
        "ms_registry.BUILDERS['dense'] = dense\n")
    (user_code / "ms_user.py").write_text("import ms_registry\n\n\ndef build():\n    return ms_registry.BUILDERS['dense']()\n")
    (user_code / "ms_lazy_user.py").write_text("def build():\n    import ms_width\n    import ms_blocks\n"
                                               "    return ms_blocks.dense() if ms_width.WIDTH else None\n")
    (user_code / "ms_width.py").write_text("WIDTH = 2\n")
    import ms_blocks  # noqa: F401  (imported first by another page, so to speak)
    import ms_width  # noqa: F401

    sources = summarize("ms_user:build")["model"]["sources"]
    assert str(user_code / "ms_blocks.py") in sources  # reached through a dict, not an import
    sources = summarize("ms_lazy_user:build")["model"]["sources"]
    assert str(user_code / "ms_width.py") in sources  # imported in the body, long after its first import
    assert not [s for s in sources if "site-packages" in s or "sphinx_modelsummary" in s]
    # an installed package's model runs none of the user's code: it is not traced (which is slow)
    assert is_users("ms_user") and is_users("examples.mnist") and not is_users("keras.applications")


# Keras's global state --------------------------------------------------------------------------------


@pytest.fixture
def trust_models():
    sys.path.insert(0, str(TRUST))
    yield
    sys.path.remove(str(TRUST))


def test_a_factorys_settings_end_with_its_record(trust_models):
    keras = pytest.importorskip("keras")
    from sphinx_modelsummary.model.summary import summarize

    before = (keras.config.image_data_format(), keras.config.floatx(), keras.config.epsilon(),
              keras.config.dtype_policy().name)
    assert summarize("ms_trust_models:sets_globals")["totals"]["params"] == 10
    assert (keras.config.image_data_format(), keras.config.floatx(), keras.config.epsilon(),
            keras.config.dtype_policy().name) == before
    record = summarize("ms_trust_models:conv")
    assert record["totals"]["params"] == 896 and list(record["totals"]["memory_bytes"]) == ["float32"]


def test_settings_a_module_chooses_when_imported_hold_for_each_of_its_models(user_code):
    pytest.importorskip("keras")
    from sphinx_modelsummary.model.summary import summarize

    (user_code / "ms_first.py").write_text(
        "import keras\nkeras.config.set_image_data_format('channels_first')\n\n\n"
        "def conv(filters=4):\n    return keras.Sequential([keras.Input((3, 8, 8)), keras.layers.Conv2D(filters, 3)])\n")
    # channels first: 3 channels, 8 x 8: filters * (3 * 3 * 3 + 1)
    assert summarize("ms_first:conv")["totals"]["params"] == 4 * 28
    assert summarize("ms_first:conv(5)")["totals"]["params"] == 5 * 28


def test_a_keras_file_is_loaded_safely_after_unsafe_deserialization_was_enabled(trust_models, tmp_path):
    pytest.importorskip("keras")
    import ms_trust_models

    from sphinx_modelsummary.model.summary import summarize

    marker = tmp_path / "ran.txt"
    ms_trust_models.lambda_model(str(marker)).save(tmp_path / "lambda.keras")
    marker.unlink()  # written as the model was built
    summarize("ms_trust_models:sets_globals")  # calls keras.config.enable_unsafe_deserialization()
    import keras

    keras.config.enable_unsafe_deserialization()  # and so might conf.py
    try:
        with pytest.raises(ModelSpecError) as caught:
            summarize("lambda.keras", base_dir=tmp_path)
    finally:
        from keras.src.backend.common import global_state

        global_state.set_global_attribute("safe_mode_saving", None)
    assert caught.value.problem is Problem.FILE and "safe mode" in str(caught.value)
    assert not marker.exists()


# Reading ahead ------------------------------------------------------------------------------------------


def test_summaries_are_found_in_rst_and_myst_source():
    text = """
.. model-summary:: m:f(1,
      size=2)
   :input-shape: 28, 28, 1
   :expand-nested:

.. model-summary:: m:g

   a body: the directive fails, nothing to look up

```{model-summary} m:h
:input-shape: 8
```

:::{model-summary} m:i
---
caption: yaml
---
:::
"""
    assert find_summaries(text) == [("m:f(1,\nsize=2)", {"input-shape": "28, 28, 1", "expand-nested": None}),
                                    ("m:h", {"input-shape": "8"}), ("m:i", {"caption": "yaml"})]
