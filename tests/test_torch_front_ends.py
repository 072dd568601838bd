"""A PyTorch model through every front-end: the CLI, the quiz, explain(), a Sphinx build;
and a Keras model's summary, or registering the extension, never imports torch."""

import json
import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("torch")

from builds import html_files, sphinx_build  # noqa: E402
from front_ends import REPO, imported_by, run_cli  # noqa: E402
from sphinx_modelsummary.model.summary import summarize  # noqa: E402
from sphinx_modelsummary.teach import quiz  # noqa: E402

ROOT = REPO / "tests" / "roots" / "test-torch"
SEED = "examples.torch_models:build_cnn"


def test_the_cli_prints_the_formulas():
    result = run_cli(SEED, "--input-shape", "1, 28, 28", "--width", "160")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "C_out · (C_in · k_h · k_w + 1) = 32 · (1 · 3 · 3 + 1) = 320" in out
    assert "C_out · (C_in · k_h · k_w + 1) = 64 · (32 · 3 · 3 + 1) = 18,496" in out
    assert "H_out · (H_in + 1) = 10 · (1,600 + 1) = 16,010" in out
    assert re.search(r"^Total +34,826 ", out, re.M)
    record = json.loads(run_cli(SEED, "--input-shape", "1, 28, 28", "--format", "json").stdout)
    assert record["model"]["framework"] == "pytorch" and record["totals"]["params"] == 34826


def test_the_cli_asks_for_an_input_shape():
    result = run_cli(SEED)
    assert result.returncode != 0 and "channels first" in result.stderr


def test_the_quiz_on_a_pytorch_model():
    record = summarize(SEED, "1, 28, 28", base_dir=REPO)
    made = quiz.make_quiz(record, layers=["0", "2", "3", "8"], misconceptions=["activations"], seed=34)
    data = quiz.to_json(made, record)
    claims = {s["layer"]: (s["claim"], s["true"]) for s in data["statements"]}
    # true counts 320 / 0 / 18,496 / 16,010; a wrong one quotes the activations (26 x 26 x 32 = 21,632 ...)
    truth = {"0": 320, "2": 0, "3": 18496, "8": 16010}
    activations = {"0": 21632, "2": 5408, "3": 7744, "8": 10}
    for layer, (claim, true) in claims.items():
        assert claim == (truth[layer] if true else activations[layer])
    nouns = [quiz.subject(quiz.Context(record), s.row) for s in made.statements]
    assert nouns == ["The first convolutional layer", "The first max pooling layer",
                     "The second convolutional layer", "The fully-connected layer"]


def test_every_misconception_fits_pytorch_rows():
    record = summarize(SEED, "1, 28, 28", base_dir=REPO)
    context = quiz.Context(record)
    rows = {r["label"]: r for r in context.rows}
    from sphinx_modelsummary.teach.misconceptions import MISCONCEPTIONS as M

    assert M["bias"].wrong(context, rows["3"], "params").claim == 64 * 32 * 9  # no bias
    assert M["input-channels"].wrong(context, rows["3"], "params").claim == 64 * (1 * 9 + 1)
    assert M["pooling-params"].wrong(context, rows["2"], "params").claim == 32 * (32 * 4 + 1)
    assert M["dense-input"].wrong(context, rows["8"], "params").claim == 10 * (7744 + 1)
    assert M["plus-one"].wrong(context, rows["0"], "output").claim == [None, 32, 25, 25]
    assert M["floor"].wrong(context, rows["5"], "output").claim == [None, 64, 6, 6]  # ceil(9 / 2) + 1


def test_explain_takes_a_module():
    from examples.torch_models import build_cnn
    from sphinx_modelsummary.notebook import explain

    shown = explain(build_cnn(), (1, 28, 28))
    assert shown.record["totals"]["params"] == 34826
    assert "34,826" in shown._repr_html_()


def test_keras_and_the_extension_never_import_torch():
    assert "torch" not in imported_by("sphinx_modelsummary.sphinx_ext")
    pytest.importorskip("keras")
    assert "torch" not in imported_by("sphinx_modelsummary.model.summary; "
                                      "sphinx_modelsummary.model.summary.summarize('examples.mnist:build_cnn')")


def test_a_sphinx_build_of_a_pytorch_page(tmp_path):
    status, imported, stderr = sphinx_build(ROOT, tmp_path)
    assert status == 0, stderr
    assert "WARNING" not in stderr, stderr
    page = html_files(tmp_path)["index.html"]
    for number in ("320", "18,496", "16,010", "34,826", "230,144"):
        assert number in page
    assert "(None, 32, 26, 26)" in page
    assert "The first convolution holds" in page and "quiz" in page.lower()


def test_a_keras_model_on_the_torch_backend_is_keras_s(tmp_path):
    """On Keras's torch backend a Keras model is a torch.nn.Module too: Keras summarises it."""
    code = ("from sphinx_modelsummary.model.summary import summarize; "
            "r = summarize('examples.mnist:build_cnn'); print(r['model']['backend'], r['totals']['params'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**os.environ, "KERAS_BACKEND": "torch", "PYTHONPATH": str(REPO)})
    assert done.stdout.split() == ["torch", "34826"], done.stderr


def test_the_mystmd_plugin_renders_a_pytorch_summary(tmp_path):
    from mystmd_tool import node_text
    from plugin_runs import example_book, plugin, request

    book = example_book(tmp_path)
    status, nodes, stderr = plugin(book, request(SEED, **{"input-shape": "1, 28, 28"}))
    assert status == 0, stderr
    text = " ".join(node_text(n) for n in nodes)
    for number in ("320", "18,496", "16,010", "34,826"):
        assert number in text


def test_a_cached_pytorch_record_follows_torchs_version_not_keras(tmp_path, monkeypatch):
    from sphinx_modelsummary import cache as cache_module

    record = summarize(SEED, "1, 28, 28", base_dir=REPO)
    cache = cache_module.SummaryCache(tmp_path / "cache", REPO)
    cache.store(SEED, "1, 28, 28", record)
    hit = cache.load(SEED, "1, 28, 28")
    assert hit.record["totals"]["params"] == 34826 and not hit.stale and not hit.missing
    monkeypatch.setattr(cache_module, "framework_versions", lambda: {"keras": "9.9.9"})
    assert not cache.load(SEED, "1, 28, 28").stale  # Keras's version is no part of it
    real = cache_module._installed_version
    monkeypatch.setattr(cache_module, "_installed_version",
                        lambda *names: "9.9.9" if names == ("torch",) else real(*names))
    assert "torch" in cache.load(SEED, "1, 28, 28").stale and "9.9.9" in cache.load(SEED, "1, 28, 28").stale


def test_a_pytorch_model_needs_no_keras():
    """Keras (and TensorFlow) made unimportable: a PyTorch spec is summarised all the same,
    and a Keras spec still says what is missing."""
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("keras", "tensorflow"):
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, Block())
from sphinx_modelsummary.model.summary import summarize
from sphinx_modelsummary.problems import ModelSpecError
print(summarize("examples.torch_models:build_cnn()", "1, 28, 28")["totals"]["params"])
try:
    summarize("examples.mnist:build_cnn")
except ModelSpecError as error:
    print(error.problem.value)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.split() == ["34826", "framework"], done.stderr


def test_without_torch_a_stale_pytorch_entry_is_shown_with_a_warning(tmp_path):
    """A book built where torch is missing (Read the Docs) shows the cached summary."""
    from mystmd_tool import node_text
    from plugin_runs import example_book, plugin, plugin_process, request

    book = example_book(tmp_path)
    (book / "torchmodels.py").write_text("from examples.torch_models import build_cnn  # noqa: F401\n")
    asked = request("torchmodels:build_cnn", **{"input-shape": "1, 28, 28"})
    assert plugin(book, asked)[0] == 0
    with (book / "torchmodels.py").open("a") as models:
        models.write("# an edit\n")
    status, nodes, stderr, imported = plugin_process(book, asked, block=True)
    assert status == 0 and nodes[0]["kind"] == "warning", stderr
    assert "torchmodels.py changed" in node_text(nodes[0]) and "34,826" in node_text(nodes)
