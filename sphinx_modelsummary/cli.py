"""``sphinx-modelsummary SPEC [--input-shape ...] [--format text|markdown|json]``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .errors import ModelSpecError
from .format import ASCII, COLUMNS, DEFAULT_COLUMNS, FORMULA_MODES, UNICODE, parse_columns
from .hints import with_hint


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
    args = parser.parse_args(argv)
    try:
        columns = parse_columns(args.columns)
    except ValueError as error:
        parser.error(str(error))

    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does, so `pkg.mod:attr` finds local code
    from .summary import summarize

    try:
        record = summarize(args.spec, args.input_shape)
    except ModelSpecError as error:
        message = with_hint("cli", error.problem.value, str(error))
        print(f"sphinx-modelsummary: error ({error.problem.value}): {message}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(record, indent=2))
        return 0
    from . import render

    style = ASCII if args.ascii else UNICODE
    if args.format == "text":
        output = render.to_text(record, columns, args.formula, explain=args.explain, style=style, width=args.width)
    elif args.format == "markdown":
        output = render.to_markdown(record, columns, args.formula, explain=args.explain, style=style)
    else:
        output = render.to_html(record, columns, args.formula, explain=args.explain)
    sys.stdout.write(output)
    return 0
