"""Quizzes that leave the page: Moodle's GIFT (read back with a small parser written here
from the format's rules) and jupyterquiz's JSON (checked against its ``mc_schema.json`` by
hand). The answers are checked against the seed model's counts worked out by hand:
conv2d 32 * (1 * 3 * 3 + 1) = 320, max_pooling2d 0, conv2d_1 64 * (32 * 3 * 3 + 1) = 18,496,
dense 10 * (5 * 5 * 64 + 1) = 16,010."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("keras")

from sphinx_modelsummary import cli  # noqa: E402
from sphinx_modelsummary.teach import export  # noqa: E402

TRUTH = {"conv2d": 320, "max_pooling2d": 0, "conv2d_1": 18_496, "dense": 16_010}
SUBJECTS = {"The first convolutional layer": "conv2d", "The first max pooling layer": "max_pooling2d",
            "The second convolutional layer": "conv2d_1", "The fully-connected layer": "dense"}
ARGS = ["quiz", "examples.mnist:build_cnn", "--layers", "conv2d, max_pooling2d, conv2d_1, dense",
        "--misconceptions", "activations, bias, pooling-params", "--seed", "34"]


def quiz_output(capsys, *extra: str) -> str:
    assert cli.main([*ARGS, *extra]) == 0
    return capsys.readouterr().out


# GIFT, read back ----------------------------------------------------------------------------

def unescape(text: str) -> str:
    """GIFT's escapes undone: ``\\n`` is a newline, a backslash keeps the next character."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], text)


def split_unescaped(text: str, mark: str) -> list[str]:
    """``text`` cut at each ``mark`` that has no backslash before it."""
    return re.split(rf"(?<!\\){re.escape(mark)}", text)


def parse_gift(source: str) -> dict:
    """One question: ``::title::[format]text { ~%weight%answer#feedback ... ####general }``."""
    match = re.fullmatch(r"::(?P<title>(?:\\.|[^:\\])*)::\[(?P<format>\w+)\](?P<text>(?:\\.|[^{\\])*)"
                         r"\{(?P<body>(?:\\.|[^}\\])*)\}\s*", source, re.S)
    assert match, source
    body, _, general = match["body"].partition("####")
    answers = []
    for option in split_unescaped(body, "~")[1:]:
        weight = re.match(r"%(-?[\d.]+)%", option)
        answer, *feedback = split_unescaped(option[weight.end():].strip(), "#")
        assert len(feedback) == 1, option
        answers.append({"weight": float(weight[1]), "answer": unescape(answer), "feedback": unescape(feedback[0])})
    assert "=" not in re.sub(r"\\.", "", body), "an unescaped = makes a single-answer question"
    return {"title": unescape(match["title"]), "format": match["format"], "text": unescape(match["text"]).strip(),
            "answers": answers, "general": unescape(general.strip())}


def claimed(statement: str) -> tuple[str, int]:
    """``The second convolutional layer has a total of 18,432 parameters.`` -> (conv2d_1, 18432)."""
    subject, _, rest = statement.partition(" has a total of ")
    return SUBJECTS[subject], int(rest.split()[0].replace(",", ""))


def test_gift_escapes_every_special_character():
    assert export.gift_escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    assert unescape(export.gift_escape("k = {x: 1} # ~\\")) == "k = {x: 1} # ~\\"


def test_gift_is_a_multiple_answer_question_graded_by_the_truth(capsys):
    question = parse_gift(quiz_output(capsys, "--format", "gift", "--show-code"))
    assert question["title"] == "sequential: examples.mnist:build_cnn" and question["format"] == "html"
    assert question["text"].startswith("<pre><code>def build_cnn():\n    return keras.Sequential(")
    assert 'activation="relu"' in question["text"]  # html.escape(quote=False) leaves quotes
    assert question["text"].endswith("regarding each layer’s parameters (weights and biases)?</p>")
    answers = question["answers"]
    assert [claimed(a["answer"])[0] for a in answers] == list(TRUTH)
    correct = [claimed(a["answer"])[1] == TRUTH[claimed(a["answer"])[0]] for a in answers]
    assert 0 < sum(correct) < len(answers)
    for answer, right in zip(answers, correct):
        assert answer["weight"] == pytest.approx(100 / sum(correct) if right else -100 / (len(answers) - sum(correct)),
                                                 abs=1e-4)
        assert answer["feedback"].startswith("True. " if right else "False. ")
    assert sum(a["weight"] for a in answers if a["weight"] > 0) == pytest.approx(100, abs=1e-3)
    conv2d_1 = next(a for a in answers if claimed(a["answer"])[0] == "conv2d_1")
    assert "= 64 · (32 · 3 · 3 + 1) = 18,496" in conv2d_1["feedback"]
    assert "Input 28 × 28 × 1 = 784" in question["general"] and "Legend: " in question["general"]


def test_gift_weights_are_moodles_grades():
    assert [export.gift_weight(n) for n in (1, 2, 3, 6, 7, 20)] == ["100", "50", "33.33333", "16.66667", "14.28571", "5"]
    with pytest.raises(ValueError, match="fractions 1/1 to 1/10 or 1/20"):
        export.gift_weight(11)


# jupyterquiz --------------------------------------------------------------------------------

def check_mc_schema(questions) -> None:
    """jupyterquiz's mc_schema.json, by hand: a list of objects with ``type`` (multiple_choice
    or many_choice), ``question`` and ``answers`` (objects with ``answer`` and ``correct``,
    optionally ``feedback`` and ``answer_cols``), optionally ``code``."""
    assert isinstance(questions, list) and questions
    for question in questions:
        assert isinstance(question, dict) and {"type", "question", "answers"} <= set(question)
        assert set(question) <= {"type", "question", "answers", "code"}
        assert question["type"] in ("multiple_choice", "many_choice")
        assert isinstance(question["question"], str) and isinstance(question.get("code", ""), str)
        assert isinstance(question["answers"], list) and question["answers"]
        for answer in question["answers"]:
            assert {"answer", "correct"} <= set(answer) <= {"answer", "correct", "feedback", "answer_cols"}
            assert isinstance(answer["answer"], str) and isinstance(answer["correct"], bool)
            assert isinstance(answer.get("feedback", ""), str)


def test_jupyterquiz_json_follows_its_schema_and_the_truth(capsys):
    questions = json.loads(quiz_output(capsys, "--format", "jupyterquiz", "--show-code"))
    check_mc_schema(questions)
    (question,) = questions
    assert question["type"] == "many_choice" and question["code"].startswith("def build_cnn():")
    for answer in question["answers"]:
        layer, number = claimed(answer["answer"])
        assert answer["correct"] is (number == TRUTH[layer])
    dense = next(a for a in question["answers"] if claimed(a["answer"])[0] == "dense")
    assert "u · (i + 1) = 10 · (1,600 + 1) = 16,010" in dense["feedback"]


def test_the_formats_agree_with_the_projects_json(capsys):
    data = json.loads(quiz_output(capsys, "--format", "json"))
    gift = parse_gift(quiz_output(capsys, "--format", "gift"))
    jupyter = json.loads(quiz_output(capsys, "--format", "jupyterquiz"))[0]
    assert [a["answer"] for a in gift["answers"]] == [a["answer"] for a in jupyter["answers"]] == data["texts"]
    assert [a["correct"] for a in jupyter["answers"]] == [s["true"] for s in data["statements"]]
    assert [a["weight"] > 0 for a in gift["answers"]] == [s["true"] for s in data["statements"]]


def test_an_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main([*ARGS, "--format", "qti"])
    assert exit.value.code == 2 and "gift" in capsys.readouterr().err
