"""Every setting of every front-end, in one table (:data:`SETTINGS`): the ``model-summary``
options, their ``modelsummary_*`` defaults (``conf.py`` in Sphinx) and the conf.py-only
values, with their parsers and docs. The directive, the mystmd plugin, the command line's
flags and the docs' configuration table all read it; :func:`resolve_options` turns options
and defaults into one validated :class:`~sphinx_modelsummary.present.view.SummaryOptions`.
No Sphinx here."""

from __future__ import annotations

import dataclasses
import os
import re
from typing import Any, Callable

from .present import conventions as fmt
from .present.references import normalize_name, parse_asks
from .present.view import SummaryOptions
from .lookup import MODES
from .problems import Problem, Report

_YES = {"", "yes", "true", "on", "1"}
_NO = {"no", "false", "off", "0"}


def parse_bool(value: Any) -> bool:
    """A flag (no value), ``yes``/``no``, ``true``/``false``, ``on``/``off``, ``1``/``0``."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"expected yes or no (or no value at all), not {value!r}")


def _text_or_none(value: Any, expected: str) -> str:
    """A string value as it is, ``None`` as ``""``; any other type is a ValueError."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected {expected}, not {value!r}")
    return value


def parse_formula(value: Any) -> str:
    text = _text_or_none(value, f"one of {', '.join(fmt.FORMULA_MODES)}").strip().lower() or "both"
    if text not in fmt.FORMULA_MODES:
        raise ValueError(f"expected one of {', '.join(fmt.FORMULA_MODES)}, not {value!r}")
    return text


def _names(value: Any, expected: str, joiner: str) -> str:
    """A string, or a list or tuple of strings joined into one."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return joiner.join(value)
    return _text_or_none(value, expected)


def parse_columns(value: Any) -> tuple[str, ...]:
    return tuple(fmt.parse_columns(_names(value, "column names (a string, or a list of strings)", ", ")))


def parse_depth(value: Any) -> int | None:
    """A level of nesting (``0``: the model's own layers only), or ``all``."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("all", "none")):
        return None
    try:
        depth = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        depth = -1
    if depth < 0:
        raise ValueError(f"expected a whole number from 0 up (or 'all'), not {value!r}")
    return depth


def parse_layers(value: Any) -> tuple[tuple[str | None, str | None], ...]:
    """Layers by name, separated by commas or spaces, each one name or a range
    ``first..last`` (either end may be left out: ``conv2d..``, ``..dense``): a tuple of
    ``(first, last)`` ranges, one name being ``(name, name)``."""
    text = re.sub(r"\s*\.\.\s*", "..", _names(value, "layer names", ", ")).strip()
    picks = []
    for item in text.replace(",", " ").split():
        first, dots, last = item.partition("..")
        first, last = first or None, (last or None) if dots else first
        if ".." in (last or "") or (first is None and last is None):
            raise ValueError(f"expected layer names or 'first..last' ranges, not {value!r}")
        picks.append((first, last))
    if not picks:
        raise ValueError("expected layer names or 'first..last' ranges, not nothing")
    return tuple(picks)


def parse_count(value: Any) -> int:
    """A whole number; ``34,826`` and ``34_826`` are fine."""
    text = str(value or "").strip().replace(",", "").replace("_", "")
    if not text.isdigit():
        raise ValueError(f"expected a whole number of parameters, not {value!r}")
    return int(text)


def parse_classes(value: Any) -> tuple[str, ...]:
    value = _names(value, "class names (a string, or a list of strings)", " ")
    if not value.strip():
        return ()
    from docutils.parsers.rst import directives  # only here: the mystmd plugin starts a process per directive

    return tuple(directives.class_option(str(value)))


def _text(value: Any) -> str:
    return str(value or "").strip()


CACHE_DIR = "_modelsummary_cache"


def parse_mode(value: Any) -> str:
    """Where summaries come from: ``auto``, ``compute`` or ``cache``."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in MODES:
        raise ValueError(f"expected one of {', '.join(MODES)}, not {value!r}")
    return text


def parse_cache_dir(value: Any) -> str:
    """A folder (a string or a path; ``""`` for no cache)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or "\0" in value:
        raise ValueError(f"expected a folder (a string; '' for no cache), not {value!r}")
    return value


@dataclasses.dataclass(frozen=True)
class Setting:
    """One option: its directive name (``None``: a conf.py value only), its conf.py value
    (``None``: an option only), its parser, and what it does in a line, with the form of
    its value, for the docs and ``--help``. ``cli``: a command-line flag of the same name."""

    option: str | None
    field: str
    parse: Callable[[Any], Any]
    config: str | None = None
    default: Any = None
    types: tuple | frozenset = ()
    doc: str = ""
    value: str = ""
    cli: bool = True


# Yes/no values take str too, so Sphinx passes `-D modelsummary_totals=no` on to be read
# here; a set, as Sphinx 7.0 does so only for types equal to {bool, str}
YES_NO = frozenset({bool, str})


SETTINGS = (
    Setting("input-shape", "input_shape", _text,
            doc="the input shape without the batch axis, for a model not built yet: '28, 28, 1' (a semicolon between "
                "inputs); a PyTorch model's, channels first: '1, 28, 28'",
            value="SHAPE"),
    Setting("columns", "columns", parse_columns, "modelsummary_columns", list(fmt.DEFAULT_COLUMNS), (list, tuple, str),
            doc=f"the columns, from: {', '.join(fmt.COLUMNS)} (a list, or one string such as 'layer, params')",
            value="COLUMNS"),
    Setting("formula", "formula", parse_formula, "modelsummary_formula", "both", (str,),
            doc=f"which sides of each parameter formula to show: {', '.join(fmt.FORMULA_MODES)}",
            value="|".join(fmt.FORMULA_MODES)),
    Setting("shape-derivations", "shape_derivations", parse_bool, "modelsummary_shape_derivations", True, YES_NO,
            doc="the arithmetic of each output shape under it"),
    Setting("explain", "explain", parse_bool, "modelsummary_explain", False, YES_NO,
            doc="after the table, the shape walk and one sentence per layer"),
    Setting("expand-nested", "expand_nested", parse_bool, "modelsummary_expand_nested", True, YES_NO,
            doc="the layers of nested models, indented under theirs (no: a nested model is one row)"),
    Setting("depth", "depth", parse_depth, "modelsummary_depth", None, (int, str, type(None)),
            doc="the levels of nesting shown: 0 for the model's own layers, or 'all'", value="N|all"),
    Setting("layers", "layers", parse_layers, doc="the rows from one layer to another: 'first..last' (either may be left out)",
            value="FIRST..LAST"),
    Setting("totals", "totals", parse_bool, "modelsummary_totals", True, YES_NO, doc="the totals row"),
    Setting("legend", "legend", parse_bool, "modelsummary_legend", True, YES_NO, doc="the legend of the symbols shown"),
    Setting("caption", "caption", _text, doc="a title for the table", cli=False),
    Setting("name", "name", _text, doc="a label to refer to the table, and its rows, from any page", cli=False),
    Setting("class", "classes", parse_classes, "modelsummary_class", [], (list, tuple, str),
            doc="HTML classes for the table (a list, or one string)", cli=False),
    Setting("expect-params", "expect_params", parse_count,
            doc="the model's total parameters; another total is an 'expect' warning", value="N"),
    Setting("diagram", "diagram", parse_bool, doc="the model's diagram under the table (see model-diagram)", cli=False),
    Setting(None, "cache_dir", parse_cache_dir, "modelsummary_cache_dir", CACHE_DIR, (str,),
            doc="the folder of the persistent cache, relative to the source directory; '' for none", cli=False),
    Setting(None, "mode", parse_mode, "modelsummary_mode", "auto", (str,),
            doc="where summaries come from: auto (the cache when fresh), compute (always), cache (only)", cli=False),
)
OPTIONS = tuple(s for s in SETTINGS if s.option is not None)  # what shapes one summary
_BY_OPTION = {s.option: s for s in OPTIONS}


def setting_named(name: str) -> Setting | None:
    """The setting with this option name, field name (``expand_nested``) or conf.py name."""
    return next((s for s in SETTINGS if name in (s.option, s.field, s.config)), None)


def config_defaults(config, warn: Callable[[Setting, Any, ValueError], None] | None = None) -> dict[str, Any]:
    """The validated ``modelsummary_*`` defaults of the options in ``config`` (any object;
    a missing one is its default, and so is a bad one, after ``warn(setting, value, error)``)."""
    values: dict[str, Any] = {}
    for setting in OPTIONS:
        if setting.config is None:
            continue
        raw = getattr(config, setting.config, setting.default)
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as error:
            if warn:
                warn(setting, raw, error)
            values[setting.field] = setting.parse(setting.default)
    return values


def directive_label(option: str) -> str:
    return f":{option}:"


def label_as_name(options: dict[str, Any], label: Callable[[str], str] = directive_label) -> dict[str, Any]:
    """``:label:`` (mystmd's word) read as ``:name:`` (Sphinx's); both is a ValueError."""
    if "label" not in options:
        return options
    if "name" in options:
        raise ValueError(f"{label('name')} and {label('label')} both given; use one "
                         f"({label('label')} is another word for {label('name')})")
    return {("name" if key == "label" else key): value for key, value in options.items()}


def _parse_given(settings: dict[str, Setting], options: dict[str, Any], directive: str,
                 label: Callable[[str], str] = directive_label) -> dict[str, Any]:
    """The fields of the options given, parsed; a ``ValueError`` names the bad option as
    ``label`` spells it (``:depth:`` in a directive, ``--depth`` on the command line)."""
    given: dict[str, Any] = {}
    for option, raw in label_as_name(options, label).items():
        setting = settings.get(option)
        if setting is None:
            raise ValueError(_named(label, option, f"is not an option of {directive}; the options are ")
                             + ", ".join(label(name) for name in settings))
        try:
            given[setting.field] = setting.parse(raw)
        except ValueError as error:
            raise ValueError(_named(label, option, str(error))) from None
    return given


def _named(label: Callable[[str], str], option: str, text: str) -> str:
    """``:depth: expected ...`` in a directive, ``--depth: expected ...`` on the command line."""
    name = label(option)
    return f"{name} {text}" if name.endswith(":") else f"{name}: {text}"


def resolve_options(config, options: dict[str, Any], label: Callable[[str], str] = directive_label) -> SummaryOptions:
    """The options given over the conf.py defaults, as one :class:`SummaryOptions`.

    Raises ``ValueError`` with a message naming the bad option as ``label`` spells it
    (``:depth:`` in a directive, ``--depth`` on the command line).
    """
    values = config_defaults(config)
    given = _parse_given(_BY_OPTION, options, "model-summary", label)
    if "depth" in given and "expand_nested" in given:
        raise ValueError(f"{label('depth')} and {label('expand-nested')} both given; use one")
    values.update(given)
    expand = values.pop("expand_nested")
    if "depth" not in given and ("expand_nested" in given or values["depth"] is None):
        values["depth"] = None if expand else 0
    return SummaryOptions(**values)


def record_problems(record: dict, options: SummaryOptions, label: Callable[[str], str] = directive_label) -> list[Report]:
    """The problems of a summary shown all the same: each formula that disagrees with
    Keras, and an ``:expect-params:`` that is not the model's total."""
    problems = []
    for diagnostic in [d for d in record["diagnostics"] if d["kind"] == "mismatch"]:
        where = diagnostic.get("layer") or record["model"]["name"]
        problems.append(Report(Problem.MISMATCH, f"{where}: {diagnostic['message']}"))
    total = record["totals"]["params"]
    if options.expect_params is not None and options.expect_params != total:
        problems.append(Report(Problem.EXPECT, f"the model has {fmt.count_text(total)} parameters, "
                                               f"{label('expect-params')} says {fmt.count_text(options.expect_params)}"))
    return problems


# model-quiz ---------------------------------------------------------------------------------


def parse_statements(value: Any) -> int:
    count = parse_count(value)
    if count < 1:
        raise ValueError(f"expected a whole number from 1 up, not {value!r}")
    return count


def parse_seed(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a whole number, not {value!r}") from None


def parse_words(value: Any) -> tuple[str, ...]:
    """Words separated by commas or spaces, in lower case (the quiz checks them)."""
    words = tuple(dict.fromkeys(_names(value, "words", " ").replace(",", " ").lower().split()))
    if not words:
        raise ValueError("expected some words, separated by commas or spaces")
    return words


@dataclasses.dataclass(frozen=True)
class QuizOptions:
    """A ``model-quiz``'s options, validated (misconceptions are checked by the quiz)."""

    asks: tuple[str, ...] = ("params",)
    layers: tuple[tuple[str | None, str | None], ...] = ()
    statements: int | None = None
    seed: int = 0
    misconceptions: tuple[str, ...] = ()
    show_code: bool = False
    summary: str = ""
    input_shape: str = ""
    classes: tuple[str, ...] = ()
    name: str = ""


QUIZ_SETTINGS = (
    Setting("ask", "asks", parse_asks),
    Setting("layers", "layers", parse_layers),
    Setting("statements", "statements", parse_statements),
    Setting("seed", "seed", parse_seed),
    Setting("misconceptions", "misconceptions", parse_words),
    Setting("show-code", "show_code", parse_bool),
    Setting("summary", "summary", normalize_name),
    Setting("input-shape", "input_shape", _text),
    Setting("class", "classes", parse_classes),
    Setting("name", "name", _text),
)
_QUIZ_BY_OPTION = {s.option: s for s in QUIZ_SETTINGS}


def resolve_quiz_options(spec: str, options: dict[str, Any]) -> QuizOptions:
    """A quiz's options (on the model ``spec``, or on ``:summary:`` when ``spec`` is empty),
    as :class:`QuizOptions`; a ``ValueError`` says what is wrong."""
    quiz = QuizOptions(**_parse_given(_QUIZ_BY_OPTION, options, "model-quiz"))
    if bool(spec.strip()) == bool(quiz.summary):
        raise ValueError("give the model's spec or :summary: (a model-summary's :name:), one of the two")
    if quiz.summary and quiz.input_shape:
        raise ValueError(":input-shape: belongs to a spec; the summary has its own")
    return quiz


# model-diagram ------------------------------------------------------------------------------


def parse_view(value: Any) -> str:
    """How a diagram draws the model: ``auto``, ``feature-maps`` or ``graph``."""
    from .present.diagram_layout import VIEWS

    text = _text(value).lower() or "auto"
    if text not in VIEWS:
        raise ValueError(f"expected one of {', '.join(VIEWS)}, not {value!r}")
    return text


@dataclasses.dataclass(frozen=True)
class DiagramOptions:
    """A ``model-diagram``'s options, validated."""

    input_shape: str = ""
    view: str = "auto"
    layers: tuple[tuple[str | None, str | None], ...] | None = None
    summary: str = ""
    caption: str = ""
    name: str = ""
    classes: tuple[str, ...] = ()
    expect_params: int | None = None
    depth: int | None = 0  # the model's own layers: a nested model is one box


DIAGRAM_SETTINGS = (
    Setting("input-shape", "input_shape", _text, doc="as for model-summary", value="SHAPE"),
    Setting("view", "view", parse_view, doc="feature-maps (a chain of layers), graph, or auto: feature maps "
            "for a chain of image layers, else the graph", value="auto|feature-maps|graph"),
    Setting("layers", "layers", parse_layers, doc="the layers from one to another: 'first..last'", value="FIRST..LAST"),
    Setting("summary", "summary", normalize_name, doc="the :name: of the model-summary whose rows the boxes link to "
            "(by default, a named summary of the same model on the page)", cli=False),
    Setting("caption", "caption", _text, doc="a caption for the figure", cli=False),
    Setting("name", "name", _text, doc="a label to refer to the figure", cli=False),
    Setting("class", "classes", parse_classes, doc="HTML classes for the figure", cli=False),
    Setting("expect-params", "expect_params", parse_count, doc="as for model-summary", value="N"),
)
_DIAGRAM_BY_OPTION = {s.option: s for s in DIAGRAM_SETTINGS}


def resolve_diagram_options(options: dict[str, Any], label: Callable[[str], str] = directive_label) -> DiagramOptions:
    """A diagram's options as :class:`DiagramOptions`; a ``ValueError`` names a bad one."""
    return DiagramOptions(**_parse_given(_DIAGRAM_BY_OPTION, options, "model-diagram", label))
