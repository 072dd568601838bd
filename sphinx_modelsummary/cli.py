"""``sphinx-modelsummary SPEC [--input-shape ...] [--format text|markdown|json]``.

Exit statuses (documented in ``docs/cli.rst``): 0 the summary was printed; 1 the model
could not be summarised (the message names the problem, as the directive's warning
would); 2 a wrong command line; 3 a bug in sphinx-modelsummary; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .errors import Problem
from .format import ASCII, COLUMNS, DEFAULT_COLUMNS, FORMULA_MODES, UNICODE, parse_columns
from .hints import with_hint

OK, MODEL_ERROR, USAGE_ERROR, INTERNAL_ERROR, INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["quiz"]:  # sphinx-modelsummary quiz SPEC ...
        from .quiz_cli import main as quiz_main

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
    from . import render

    style = ASCII if args.ascii else UNICODE
    if args.format == "text":
        output = render.to_text(record, columns, args.formula, explain=args.explain, style=style, width=args.width)
    elif args.format == "markdown":
        output = render.to_markdown(record, columns, args.formula, explain=args.explain, style=style)
    else:
        output = render.to_html(record, columns, args.formula, explain=args.explain)
    sys.stdout.write(output)
    return OK
