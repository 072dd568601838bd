"""``sphinx-modelsummary SPEC [--input-shape ...] [--format text|markdown|json]``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .errors import ModelSpecError
from .format import COLUMNS, DEFAULT_COLUMNS, FORMULA_MODES, parse_columns
from .hints import with_hint


def main(argv: list[str] | None = None) -> int:
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

    renderer = {"text": render.to_text, "markdown": render.to_markdown, "html": render.to_html}[args.format]
    sys.stdout.write(renderer(record, columns, args.formula, explain=args.explain))
    return 0
