"""``sphinx-modelsummary quiz SPEC [--ask ...] [--statements N] [--seed N] --format text|markdown|json``:
a quiz to move into a learning platform (the JSON is documented in ``docs/teaching-reference.rst``)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .errors import ModelSpecError
from .quiz import (ASKS, Quiz, QuizError, factory_source, legend, make_quiz, parse_asks, parse_misconceptions,
                   pieces_text, reasoning, to_json)
from .misconceptions import MISCONCEPTIONS


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sphinx-modelsummary quiz",
                                     description="A quiz on a Keras model's layers, with its answer and reasoning.")
    parser.add_argument("spec", help="package.module:attr, package.module:factory(args) or a .keras file")
    parser.add_argument("--input-shape", help="input shape without the batch axis, e.g. '28, 28, 1'")
    parser.add_argument("--ask", default="params", help=f"what statements are about: {', '.join(ASKS)} (default: params)")
    parser.add_argument("--layers", help="the layers to ask about, e.g. 'conv2d, dense' (default: chosen by the seed)")
    parser.add_argument("--statements", type=int, help="how many statements (default: 4, or one per layer and ask)")
    parser.add_argument("--seed", type=int, default=0, help="which statements are made and which are false")
    parser.add_argument("--misconceptions", help=f"the wrong numbers allowed, from: {', '.join(MISCONCEPTIONS)}")
    parser.add_argument("--show-code", action="store_true", help="print the factory's source before the question")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        asks = parse_asks(args.ask)
        misconceptions = parse_misconceptions(args.misconceptions) if args.misconceptions else None
    except ValueError as error:
        parser.error(str(error))
    if args.statements is not None and args.statements < 1:
        parser.error("--statements: expected a whole number from 1 up")

    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does, so `pkg.mod:attr` finds local code
    from .summary import summarize

    try:
        record = summarize(args.spec, args.input_shape)
        code = factory_source(record) if args.show_code else None
        layers = args.layers.replace(",", " ").split() if args.layers else None
        quiz = make_quiz(record, asks, layers, args.statements, args.seed, misconceptions,
                         "the above code fragment" if code else "the model")
    except ModelSpecError as error:
        print(f"sphinx-modelsummary: error ({error.problem.value}): {error}", file=sys.stderr)
        return 1
    except (QuizError, ValueError) as error:
        print(f"sphinx-modelsummary: error (quiz): {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps({**to_json(quiz, record), "code": code}, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write((to_markdown if args.format == "markdown" else to_text)(quiz, code))
    return 0


def to_text(quiz: Quiz, code: str | None = None) -> str:
    lines = [*(f"    {line}" for line in (code or "").splitlines()), *([""] if code else []), quiz.question, ""]
    lines += [f"  {s.number}. {s.text}" for s in quiz.statements]
    lines += ["", f"Answer: {', '.join(map(str, quiz.answer))}", ""]
    lines += [line for s in quiz.statements for line in (pieces_text(reasoning(s)), "")]
    lines += [f"Shapes: {quiz.shapes}"]
    symbols = legend(quiz)
    if symbols:
        lines += ["", "Legend:", *(f"  {symbol}: {meaning}" for symbol, meaning in symbols)]
    return "\n".join(lines) + "\n"


def to_markdown(quiz: Quiz, code: str | None = None) -> str:
    def cell(text: str) -> str:
        return text.replace("*", "\\*").replace("_", "\\_")

    lines = ["```python", code, "```", ""] if code else []
    lines += [quiz.question, ""] + [f"{s.number}. {cell(s.text)}" for s in quiz.statements]
    lines += ["", f"**Answer:** {', '.join(map(str, quiz.answer))}", ""]
    for statement in quiz.statements:  # "1. False. ...": an ordered list, numbered as the statements
        lines += ["".join(cell(p) if isinstance(p, str) else f"`{pieces_text([p])}`" for p in reasoning(statement)), ""]
    lines += [f"**Shapes:** {cell(quiz.shapes)}"]
    symbols = legend(quiz)
    if symbols:
        lines += ["", "**Legend:** " + "; ".join(f"`{s}` {cell(m)}" for s, m in symbols)]
    return "\n".join(lines) + "\n"
