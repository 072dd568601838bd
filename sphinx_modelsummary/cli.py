"""``sphinx-modelsummary SPEC [--input-shape ...] [--format text|markdown|html|json]`` and
``sphinx-modelsummary quiz SPEC [--ask ...] [--statements N] [--seed N] [--format text|markdown|json]``.

Exit statuses (documented in ``docs/cli.rst``): 0 the summary was printed; 1 the model
could not be summarised (the message names the problem, as the directive's warning
would); 2 a wrong command line; 3 a bug in sphinx-modelsummary; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from types import SimpleNamespace

from .problems import ModelSpecError, Problem
from .present.conventions import ASCII, COLUMNS, DEFAULT_COLUMNS, FORMULA_MODES, UNICODE, parse_columns
from .problems import with_hint
from .teach.misconceptions import MISCONCEPTIONS
from .settings import parse_layers
from .teach.quiz import ASKS, QuizError, factory_source, parse_asks, parse_misconceptions, quiz_from_options, to_json

OK, MODEL_ERROR, USAGE_ERROR, INTERNAL_ERROR, INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["quiz"]:  # sphinx-modelsummary quiz SPEC ...
        return quiz_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="sphinx-modelsummary",
        description="Explain a Keras model's shapes and parameters, formula by formula.",
    )
    parser.add_argument("spec", help="package.module:attr, package.module:factory(args) or a .keras file")
    parser.add_argument("--input-shape", help="input shape without the batch axis, e.g. '28, 28, 1' (';' between inputs)")
    parser.add_argument("--format", choices=("text", "markdown", "html", "json"), default="text")
    parser.add_argument("--columns", help=f"columns from: {', '.join(COLUMNS)} (default: {', '.join(DEFAULT_COLUMNS)})")
    parser.add_argument("--formula", choices=FORMULA_MODES, default="both")
    parser.add_argument("--explain", action="store_true",
                        help="after the table, the shape walk and one sentence per layer")
    parser.add_argument("--ascii", action="store_true",
                        help="plain ASCII: * and x for products, -> for arrows, floor() (text and Markdown)")
    parser.add_argument("--width", type=int, default=100, help="the columns a text table fits in (default: 100)")
    args = parser.parse_args(argv)  # a wrong command line exits with USAGE_ERROR
    try:
        columns = parse_columns(args.columns)
    except ValueError as error:
        parser.error(str(error))

    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does, so `pkg.mod:attr` finds local code
    from .lookup import compute

    try:
        entry = compute(args.spec, args.input_shape)  # whatever the model's code raises, but Ctrl-C
    except KeyboardInterrupt:
        print("sphinx-modelsummary: interrupted", file=sys.stderr)
        return INTERRUPTED
    if entry.error is not None:
        problem, message = entry.error
        print(f"sphinx-modelsummary: error ({problem}): {with_hint('cli', problem, message)}", file=sys.stderr)
        return INTERNAL_ERROR if problem == Problem.INTERNAL.value else MODEL_ERROR
    record = entry.record
    if args.format == "json":
        print(json.dumps(record, indent=2))
        return OK
    from .present import html, markdown, text

    style = ASCII if args.ascii else UNICODE
    if args.format == "text":
        output = text.to_text(record, columns, args.formula, explain=args.explain, style=style, width=args.width)
    elif args.format == "markdown":
        output = markdown.to_markdown(record, columns, args.formula, explain=args.explain, style=style)
    else:
        output = html.to_html(record, columns, args.formula, explain=args.explain)
    sys.stdout.write(output)
    return OK


def quiz_main(argv: list[str]) -> int:
    """``sphinx-modelsummary quiz SPEC ...``: a quiz to move into a learning platform (the JSON
    is documented in ``docs/teaching-reference.rst``)."""
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
    from .model.summary import summarize
    from .teach import export

    try:
        record = summarize(args.spec, args.input_shape)
        code = factory_source(record) if args.show_code else None
        options = SimpleNamespace(asks=asks, layers=parse_layers(args.layers) if args.layers else (),
                                  statements=args.statements, seed=args.seed, misconceptions=misconceptions)
        quiz = quiz_from_options(record, options, "the above code fragment" if code else "the model")
    except ModelSpecError as error:
        print(f"sphinx-modelsummary: error ({error.problem.value}): {error}", file=sys.stderr)
        return 1
    except (QuizError, ValueError) as error:
        print(f"sphinx-modelsummary: error (quiz): {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps({**to_json(quiz, record), "code": code}, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write((export.to_markdown if args.format == "markdown" else export.to_text)(quiz, code))
    return 0
