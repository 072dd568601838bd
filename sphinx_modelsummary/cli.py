"""``sphinx-modelsummary SPEC [--input-shape ...] [--columns ...] ... [--format text|markdown|html|json]``
(a flag for each directive option that means something on a command line, read from the
one table of settings) and ``sphinx-modelsummary quiz SPEC [--ask ...] [--statements N]
[--seed N] [--format text|markdown|json|gift|jupyterquiz]``.

Exit statuses, of both commands (documented in ``docs/cli.rst``): 0 the summary (or quiz)
was printed; 1 the model could not be summarised, or the quiz made (the message names the
problem, as the directive's warning would); 2 a wrong command line; 3 a bug in
sphinx-modelsummary; 130 interrupted. Every problem is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from types import SimpleNamespace

from .model.clean import one_line
from .present.conventions import ASCII, UNICODE, to_ascii
from .present.view import SummaryOptions, select_rows
from .problems import Hint, Problem, describe
from .settings import OPTIONS, Setting, parse_bool, parse_layers, record_problems, resolve_options
from .teach.misconceptions import MISCONCEPTIONS
from .teach.quiz import ASKS, QuizError, factory_source, parse_asks, parse_misconceptions, quiz_from_options, to_json

OK, MODEL_ERROR, USAGE_ERROR, INTERNAL_ERROR, OUTPUT_ERROR, INTERRUPTED = 0, 1, 2, 3, 4, 130
PROG = "sphinx-modelsummary"
SPEC_HELP = "package.module:attr, package.module:factory(args) or a .keras file"
FLAGS = tuple(setting for setting in OPTIONS if setting.cli)  # the directive's options as flags


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["quiz"]:  # sphinx-modelsummary quiz SPEC ...
        return quiz_main(argv[1:])
    return _guarded(_summary, argv)


def quiz_main(argv: list[str]) -> int:
    """``sphinx-modelsummary quiz SPEC ...``: a quiz to move into a learning platform (the JSON
    is documented in ``docs/teaching-reference.rst``)."""
    return _guarded(_quiz, list(argv))


def _say(problem: Problem, message: str, hint: Hint | None = None, kind: str = "error") -> None:
    """A problem as one line on stderr, in the command line's words."""
    _complain(f"{kind} ({problem.value}): {one_line(describe('cli', problem, message, hint))}")


def _complain(words: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # stderr closed or full: the status says it
        print(f"{PROG}: {words}", file=sys.stderr, flush=True)


class _OutputError(Exception):
    """Standard output could not take the result (closed, full, a pipe whose reader left)."""


def _emit(text: str, ascii_only: bool = False) -> None:
    """Write ``text`` to stdout: in ASCII when asked, or when stdout's encoding cannot
    hold the typography (a terminal set to ASCII)."""
    if sys.stdout is None:
        raise _OutputError("standard output is closed")
    try:
        encoding = sys.stdout.encoding or "utf-8"
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            ascii_only = True
        sys.stdout.write(to_ascii(text) if ascii_only else text)
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as error:
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no second complaint at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise _OutputError(error) from None


def _guarded(command, argv: list[str]) -> int:
    """``command(argv)``'s status; Ctrl-C and a bug here are one line and a status too."""
    try:
        return command(argv)
    except KeyboardInterrupt:
        _complain("interrupted")
        return INTERRUPTED
    except _OutputError as error:
        _complain(f"error (output): cannot write the output ({one_line(str(error))})")
        return OUTPUT_ERROR
    except Exception as error:  # a bug in sphinx-modelsummary: no traceback for the user
        _say(Problem.INTERNAL, f"{type(error).__name__}: {error}; please report this to sphinx-modelsummary")
        return INTERNAL_ERROR


class _Parser(argparse.ArgumentParser):
    """A wrong command line is one line on stderr and the status USAGE_ERROR."""

    def error(self, message: str):
        _say(Problem.OPTION, f"{message} (see {self.prog} --help)")
        raise SystemExit(USAGE_ERROR)


def _importable_here() -> None:
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does, so `pkg.mod:attr` finds local code


# The summary ------------------------------------------------------------------------------


def summary_parser() -> argparse.ArgumentParser:
    """The summary command: a flag per setting with ``cli``, and the command line's own."""
    parser = _Parser(prog=PROG, description="Explain a Keras model's shapes and parameters, formula by formula.")
    parser.add_argument("spec", help=SPEC_HELP)
    for setting in FLAGS:
        parser.add_argument(f"--{setting.option}", dest=setting.field, default=argparse.SUPPRESS,
                            metavar=_metavar(setting), help=_flag_help(setting))
    parser.add_argument("--format", choices=("text", "markdown", "html", "json", "svg"), default="text",
                        help="svg: the model's diagram (see model-diagram) rather than its table")
    parser.add_argument("--view", choices=("auto", "feature-maps", "graph"), default="auto",
                        help="with --format svg: how the diagram draws the model (default: auto)")
    parser.add_argument("--ascii", action="store_true",
                        help="plain ASCII: * and x for products, -> for arrows, floor() (text and Markdown)")
    parser.add_argument("--width", type=int, default=100, help="the columns a text table fits in (default: 100)")
    return parser


def _metavar(setting: Setting) -> str:
    return "[yes|no]" if setting.parse is parse_bool else setting.value or setting.option.upper()


def _flag_help(setting: Setting) -> str:
    if setting.parse is parse_bool:
        return f"{setting.doc} (alone: yes; default: {'yes' if setting.default else 'no'})"
    if setting.config is not None and setting.default is not None:
        default = ", ".join(setting.default) if isinstance(setting.default, list) else setting.default
        return f"{setting.doc} (default: {default})"
    return setting.doc


def yes_no_flags(argv: list[str]) -> list[str]:
    """``--explain`` alone as ``--explain=``, ``--explain no`` as ``--explain=no``: a yes/no
    flag takes the next word only when it is yes or no, never the spec."""
    flags = {f"--{setting.option}" for setting in FLAGS if setting.parse is parse_bool}
    out, i = [], 0
    while i < len(argv):
        word, following = argv[i], argv[i + 1] if i + 1 < len(argv) else ""
        if word in flags and _is_yes_or_no(following):
            out.append(f"{word}={following}")
            i += 1
        else:
            out.append(f"{word}=" if word in flags else word)
        i += 1
    return out


def _is_yes_or_no(word: str) -> bool:
    try:
        parse_bool(word)
    except ValueError:
        return False
    return word != ""


def summary_options(args: argparse.Namespace) -> SummaryOptions:
    """The flags given, read as the directive reads its options; a bad one is a ValueError
    naming its flag."""
    given = {setting.option: getattr(args, setting.field) for setting in FLAGS if hasattr(args, setting.field)}
    return resolve_options(SimpleNamespace(), given, label=lambda option: f"--{option}")


def _summary(argv: list[str]) -> int:
    args = summary_parser().parse_args(yes_no_flags(argv))  # a wrong command line exits with USAGE_ERROR
    try:
        options = summary_options(args)
    except ValueError as error:
        _say(Problem.OPTION, str(error))
        return USAGE_ERROR
    _importable_here()
    from .lookup import compute

    entry = compute(args.spec, options.input_shape or None)  # whatever the model's code raises, but Ctrl-C
    if entry.error is not None:
        _say(entry.error.problem, entry.error.message, entry.error.hint)
        return INTERNAL_ERROR if entry.error.problem == Problem.INTERNAL else MODEL_ERROR
    record = entry.record
    try:
        rows = select_rows(record, options)
    except ValueError as error:
        _say(Problem.OPTION, f"--layers: {error}")
        return USAGE_ERROR
    for problem, message in record_problems(record, options, label=lambda option: f"--{option}"):
        _say(problem, message, kind="warning")
    if args.format == "svg":
        _emit(diagram_svg(record, rows, args.view))
        return OK
    _emit(render(record, options, rows, args.format, ASCII if args.ascii else UNICODE, args.width), args.ascii)
    return OK


def render(record: dict, options: SummaryOptions, rows: list[dict], output: str = "text", style=UNICODE,
           width: int = 100) -> str:
    """The summary as the command prints it: ``output`` is text, markdown, html or json."""
    if output == "json":
        return json.dumps(record, indent=2) + "\n"
    from .present import html, markdown, text

    if output == "text":
        return text.render(record, options, rows, style=style, width=width)
    if output == "markdown":
        return markdown.render(record, options, rows, style=style)
    return html.render(record, options, rows)


def diagram_svg(record: dict, rows: list[dict], view: str = "auto") -> str:
    """The model's diagram as an SVG file of its own (the rows' own layers)."""
    from .present import svg
    from .present.diagram_layout import layout

    return svg.render(layout(record, [r for r in rows if r["depth"] == 0], view), standalone=True) + "\n"


# The quiz ---------------------------------------------------------------------------------

QUIZ_FORMATS = ("text", "markdown", "json", "gift", "jupyterquiz")


def _quiz(argv: list[str]) -> int:
    parser = _Parser(prog=f"{PROG} quiz", description="A quiz on a Keras model's layers, with its answer and reasoning.")
    parser.add_argument("spec", help=SPEC_HELP)
    parser.add_argument("--input-shape", help="input shape without the batch axis, e.g. '28, 28, 1'")
    parser.add_argument("--ask", default="params", help=f"what statements are about: {', '.join(ASKS)} (default: params)")
    parser.add_argument("--layers", help="the layers to ask about, e.g. 'conv2d, dense' (default: chosen by the seed)")
    parser.add_argument("--statements", type=int, help="how many statements (default: 4, or one per layer and ask)")
    parser.add_argument("--seed", type=int, default=0, help="which statements are made and which are false")
    parser.add_argument("--misconceptions", help=f"the wrong numbers allowed, from: {', '.join(MISCONCEPTIONS)}")
    parser.add_argument("--show-code", action="store_true", help="print the factory's source before the question")
    parser.add_argument("--format", choices=QUIZ_FORMATS, default="text",
                        help="text, markdown, json (this project's), gift (Moodle) or jupyterquiz (its JSON)")
    args = parser.parse_args(argv)
    try:
        asks = parse_asks(args.ask)
        misconceptions = parse_misconceptions(args.misconceptions) if args.misconceptions else None
    except ValueError as error:
        parser.error(str(error))
    if args.statements is not None and args.statements < 1:
        parser.error("--statements: expected a whole number from 1 up")

    _importable_here()
    from .lookup import compute

    entry = compute(args.spec, args.input_shape)
    if entry.error is not None:
        _say(entry.error.problem, entry.error.message, entry.error.hint)
        return INTERNAL_ERROR if entry.error.problem == Problem.INTERNAL else MODEL_ERROR
    record = entry.record
    try:
        code = factory_source(record, os.getcwd()) if args.show_code else None
        options = SimpleNamespace(asks=asks, layers=parse_layers(args.layers) if args.layers else (),
                                  statements=args.statements, seed=args.seed, misconceptions=misconceptions)
        quiz = quiz_from_options(record, options, "the above code fragment" if code else "the model")
    except (QuizError, ValueError) as error:
        _say(Problem.QUIZ, str(error))
        return MODEL_ERROR
    try:
        _emit(_quiz_output(args.format, quiz, record, code))
    except ValueError as error:  # a quiz the format cannot hold (GIFT's grades)
        _say(Problem.QUIZ, str(error))
        return MODEL_ERROR
    return OK


def _quiz_output(form: str, quiz, record: dict, code: str | None) -> str:
    from .teach import export

    if form == "json":
        return json.dumps({**to_json(quiz, record), "code": code}, indent=2, ensure_ascii=False) + "\n"
    if form == "jupyterquiz":
        return json.dumps(export.to_jupyterquiz(quiz, code), indent=2, ensure_ascii=False) + "\n"
    if form == "gift":
        return export.to_gift(quiz, code, f"{record['model']['name']}: {record['model']['spec']}")
    return (export.to_markdown if form == "markdown" else export.to_text)(quiz, code)
