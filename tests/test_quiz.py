"""Quizzes without Sphinx: answer keys checked against Keras's own counts and shapes, the
seed's quiz reproduced, wrong numbers checked against Keras layers built the wrong way,
and the ``quiz`` command."""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.teach import misconceptions, quiz  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
from sphinx_modelsummary.model.spec import fresh_names  # noqa: E402
from sphinx_modelsummary.model.summary import summarize  # noqa: E402

from front_ends import cli_process, imported_by, run_cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "tests" / "roots" / "test-teaching"
SEED_LAYERS = ("conv2d", "max_pooling2d", "conv2d_1", "dense")

MODELS = ["examples.mnist:build_cnn", "ms_teaching_models:build_strided", "ms_teaching_models:build_mlp",
          "examples.text:build_lstm", "examples.functional:build_listing_model"]


@pytest.fixture(scope="module", autouse=True)
def teaching_models():
    """The test root's models importable; afterwards the modules imported here are
    forgotten, so that other tests see the ``examples`` package as they left it."""
    before = set(sys.modules)
    sys.path.insert(0, str(TEACHING))
    yield
    sys.path.remove(str(TEACHING))
    for name in set(sys.modules) - before:
        if name.split(".")[0] in ("examples", "ms_teaching_models"):
            package, _, child = name.rpartition(".")
            if package in sys.modules:
                vars(sys.modules[package]).pop(child, None)
            del sys.modules[name]


@pytest.fixture(scope="module")
def built():
    """Each model twice: its summary record, and the Keras model itself, built afresh."""
    found = {}
    for spec in MODELS:
        module, factory = spec.split(":")
        with fresh_names():
            model = getattr(importlib.import_module(module), factory)()
        found[spec] = (summarize(spec), model)
    return found


def keras_truth(model, label: str, asks: str):
    """What Keras says: the layer's count_params(), output shape or output size."""
    layer = model.get_layer(label)
    if asks == "params":
        return layer.count_params()
    shape = [None if n is None else int(n) for n in layer.output.shape]
    return shape if asks == "output" else math.prod(shape[1:])


ASKS = [("params",), ("output",), ("activations",), ("params", "output", "activations")]


@pytest.mark.parametrize("spec", MODELS)
def test_answer_keys_agree_with_keras(built, spec):
    record, model = built[spec]
    made = 0
    for seed in range(6):
        for asks in ASKS:
            try:
                made_quiz = quiz.make_quiz(record, asks, seed=seed)
            except quiz.QuizError:
                continue  # this model has nothing to ask about there (no windows for output, say)
            made += 1
            data = quiz.to_json(made_quiz, record)
            for statement in data["statements"]:
                truth = keras_truth(model, statement["layer"], statement["asks"])
                assert (statement["claim"] == truth) is statement["true"], (seed, asks, statement, truth)
                assert (statement["misconception"] is None) is statement["true"]
            numbers = [s["number"] for s in data["statements"]]
            assert numbers == list(range(1, len(numbers) + 1))
            assert data["answer"] == [s["number"] for s in data["statements"] if s["true"]]
            if len(numbers) > 1:  # never all true, never all false
                assert 0 < len(data["answer"]) < len(numbers)
    assert made >= 6


def test_the_seeds_quiz_is_reproduced(built):
    record, model = built["examples.mnist:build_cnn"]
    made = quiz.make_quiz(record, layers=SEED_LAYERS, misconceptions=["activations"], seed=34)
    data = quiz.to_json(made, record)
    assert data["statements"] == [
        {"number": 1, "layer": "conv2d", "asks": "params", "claim": 21632, "true": False,
         "misconception": "activations counted as parameters"},
        {"number": 2, "layer": "max_pooling2d", "asks": "params", "claim": 5408, "true": False,
         "misconception": "activations counted as parameters"},
        {"number": 3, "layer": "conv2d_1", "asks": "params", "claim": 18496, "true": True, "misconception": None},
        {"number": 4, "layer": "dense", "asks": "params", "claim": 16010, "true": True, "misconception": None},
    ]
    assert data["answer"] == [3, 4]
    # the wrong claims are what Keras says the layers output: 26 x 26 x 32 and 13 x 13 x 32
    assert [keras_truth(model, name, "activations") for name in ("conv2d", "max_pooling2d")] == [21632, 5408]
    assert data["texts"] == ["The first convolutional layer has a total of 21,632 parameters.",
                             "The first max pooling layer has a total of 5,408 parameters.",
                             "The second convolutional layer has a total of 18,496 parameters.",
                             "The fully-connected layer has a total of 16,010 parameters."]
    assert data["question"].endswith("what are the correct statements regarding each layer’s parameters "
                                     "(weights and biases)?")
    # the seed's reasoning: each layer's formula (the record's own), why 21,632 and 5,408 are wrong
    rows = {r["label"]: r for r in record["layers"]}
    for statement in made.statements:
        equations = [p for p in quiz.reasoning(statement) if isinstance(p, misconceptions.Equation)]
        formula = rows[statement.row["label"]]["formula"]
        assert [e.item for e in equations] == ([formula] if formula else [])
    assert [e.item["value"] for s in made.statements for p in [quiz.reasoning(s)]
            for e in p if isinstance(e, misconceptions.Equation)] == [320, 18496, 16010]
    assert "21,632" in data["reasoning"][0] and "26 × 26 × 32" in data["reasoning"][0]
    assert "no parameters" in data["reasoning"][1] and "5,408" in data["reasoning"][1]
    assert data["reasoning"][2].startswith("3. True.") and "18,496" in data["reasoning"][2]
    for size in ("13 × 13 × 32 = 5,408", "5 × 5 × 64 = 1,600"):  # the walk to the dense layer's input
        assert size in data["shapes"]
    assert {"k", "f", "h", "w", "u", "i"} == set(data["legend"])


def _wrongs(record, label, ask):
    context = misconceptions.Context(record)
    row = context.by_label[label]
    return {m.key: m.wrong(context, row, ask) for m in misconceptions.MISCONCEPTIONS.values() if ask in m.asks}


def _count(layer, input_shape):
    model = keras.Sequential([keras.Input(input_shape), layer])
    return model.layers[-1].count_params()


def test_wrong_parameter_counts_are_keras_counts_of_the_wrong_layer(built):
    record, _ = built["examples.mnist:build_cnn"]
    conv, pool, conv_1, dense = (_wrongs(record, name, "params") for name in SEED_LAYERS)
    assert conv["activations"].claim == 21632
    assert conv["bias"].claim == 288 == _count(keras.layers.Conv2D(32, 3, use_bias=False), (28, 28, 1))
    assert conv["input-channels"] is None  # its input is the model's input: no wrong number to make
    assert conv_1["input-channels"].claim == 640 == _count(keras.layers.Conv2D(64, 3), (13, 13, 1))
    assert pool["pooling-params"].claim == 4128 == _count(keras.layers.Conv2D(32, 2), (26, 26, 32))
    assert dense["dense-input"].claim == 77450 == _count(keras.layers.Dense(10), (7744,))
    assert dense["bias"].claim == 16000 == _count(keras.layers.Dense(10, use_bias=False), (1600,))
    assert pool["bias"] is None and pool["dense-input"] is None
    # the sentence says why, with the wrong formula and its numbers
    why = quiz.pieces_text(dense["dense-input"].why)
    assert "7,744" in why and "1,600" in why and "77,450" in why


def test_wrong_shapes_follow_from_the_changed_arithmetic(built):
    record, _ = built["ms_teaching_models:build_strided"]
    stem, pool = _wrongs(record, "stem", "output"), _wrongs(record, "pool", "output")
    # (32 - 5) / 2 = 13.5: floor + 1 = 14 (Keras), no + 1: 13, rounded up: 15
    assert stem["plus-one"].claim == [None, 13, 13, 16]
    assert stem["floor"].claim == [None, 15, 15, 16]
    assert pool["plus-one"].claim == [None, 5, 5, 16] and pool["floor"].claim == [None, 7, 7, 16]
    assert _wrongs(record, "pool", "activations")["floor"].claim == 7 * 7 * 16
    data = quiz.to_json(quiz.make_quiz(record, ("output",), layers=["stem"], misconceptions=["plus-one"]), record)
    assert data["statements"][0]["claim"] in ([None, 14, 14, 16], [None, 13, 13, 16])  # a shape list in the JSON
    seed, _ = built["examples.mnist:build_cnn"]
    # (26 - 2) / 2 = 12 exactly: rounding up changes nothing, so the floor is no distractor here
    assert _wrongs(seed, "max_pooling2d", "output")["floor"] is None


def test_a_distractor_equal_to_the_truth_is_never_used(built):
    record, _ = built["examples.mnist:build_cnn"]
    only = quiz.make_quiz(record, ("output",), layers=["max_pooling2d"], misconceptions=["floor"])
    (statement,) = only.statements
    assert statement.true and statement.claim == [None, 13, 13, 32]
    with pytest.raises(quiz.QuizError):  # two statements, neither can be false
        quiz.make_quiz(record, ("output",), layers=["max_pooling2d", "conv2d"], misconceptions=["floor"])


def test_choices_are_seeded(built):
    record, _ = built["examples.mnist:build_cnn"]
    same = [quiz.to_json(quiz.make_quiz(record, seed=7), record) for _ in range(2)]
    assert same[0] == same[1]
    answers = {tuple(quiz.make_quiz(record, seed=s).answer) for s in range(10)}
    layers = {tuple(s.row["label"] for s in quiz.make_quiz(record, seed=s).statements) for s in range(10)}
    assert len(answers) > 2 and len(layers) > 1


def test_statements_and_layers_options(built):
    record, _ = built["examples.mnist:build_cnn"]
    assert len(quiz.make_quiz(record, statements=2).statements) == 2
    named = quiz.make_quiz(record, ("params", "output"), layers=["conv2d", "dense"]).statements
    assert [(s.row["label"], s.asks) for s in named] == [("conv2d", "params"), ("conv2d", "output"),
                                                        ("dense", "params"), ("dense", "output")]
    assert named[3].true  # no misconception makes a wrong shape for a dense layer
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        quiz.make_quiz(record, layers=["nope"])
    with pytest.raises(quiz.QuizError, match="only 5 statement"):
        quiz.make_quiz(record, statements=6)
    with pytest.raises(ValueError):
        quiz.parse_asks("colour")
    assert quiz.parse_asks("parameters, shape") == ("params", "output")


def test_factory_source_reads_the_code_without_importing_it(built):
    record, _ = built["examples.mnist:build_cnn"]
    code = quiz.factory_source(record, REPO)
    assert code.startswith("def build_cnn():") and "layers.Conv2D(32, kernel_size=(3, 3)" in code
    assert "build_cnn_deferred" not in code
    assert quiz.factory_source({"model": {"spec": "models/cnn.keras", "sources": ["/x/models/cnn.keras"]}}, REPO) is None
    assert quiz.factory_source({"model": {"spec": "keras.applications:MobileNetV2()", "sources": []}}, REPO) is None


# The command line ---------------------------------------------------------------------------


def run(*args):
    return run_cli("quiz", *args, cwd=ROOT, path=(TEACHING,))


SEED_ARGS = ("examples.mnist:build_cnn", "--layers", "conv2d, max_pooling2d, conv2d_1, dense",
             "--misconceptions", "activations", "--seed", "34")


def test_cli_json_is_the_contract_and_the_same_in_every_process():
    # this process's hash seed is random; the other's is fixed: the order of sets and dicts differs
    first = run(*SEED_ARGS, "--format", "json")
    second = cli_process("quiz", *SEED_ARGS, "--format", "json", path=(TEACHING,), PYTHONHASHSEED="123")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["answer"] == [3, 4]
    assert [set(s) for s in data["statements"]] == [{"number", "layer", "asks", "claim", "true", "misconception"}] * 4
    assert [s["claim"] for s in data["statements"]] == [21632, 5408, 18496, 16010]


def test_cli_text_and_markdown():
    text = run(*SEED_ARGS, "--show-code").stdout
    assert text.startswith("    def build_cnn():")
    assert "  1. The first convolutional layer has a total of 21,632 parameters." in text
    assert "\nAnswer: 3, 4\n" in text and "Shapes: Input 28 × 28 × 1 = 784" in text
    markdown = run(*SEED_ARGS, "--format", "markdown").stdout
    assert "4. The fully-connected layer has a total of 16,010 parameters." in markdown
    assert "**Answer:** 3, 4" in markdown and "max\\_pooling2d" in markdown


def test_cli_layers_take_ranges_as_the_directives_do():
    ranged = run("examples.mnist:build_cnn", "--layers", "conv2d..conv2d_1, dense", "--format", "json")
    assert ranged.returncode == 0, ranged.stderr
    layers = [s["layer"] for s in json.loads(ranged.stdout)["statements"]]
    assert layers == ["conv2d", "max_pooling2d", "conv2d_1", "dense"]


def test_cli_errors():
    result = run("examples.mnist:build_cnn", "--layers", "nope")
    assert result.returncode == 1 and "error (quiz)" in result.stderr and "Traceback" not in result.stderr
    result = run("examples.mnist:build_cnn", "--ask", "colour")
    assert result.returncode == 2 and "params, output, activations" in result.stderr
    result = run("examples.mnist:nope")
    assert result.returncode == 1 and "error (attribute)" in result.stderr


def test_the_quiz_core_imports_neither_sphinx_nor_the_framework():
    for module in ("sphinx_modelsummary.teach.quiz", "sphinx_modelsummary.teach.misconceptions", "sphinx_modelsummary.cli"):
        assert imported_by(module) == "", module
