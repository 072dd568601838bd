"""The Sphinx front-end: the ``model-summary`` directive, its ``modelsummary_*`` defaults,
the stylesheet, and plain-text formulas for the text, man and texinfo builders.

.. code-block:: rst

   .. model-summary:: examples.mnist:build_cnn
      :input-shape: 28, 28, 1
      :caption: The convolutional network from the quiz
      :name: mnist-cnn

The argument is ``package.module:attribute``, ``package.module:factory(literal, key=literal)``
or a ``.keras`` file (relative to the document; to the source directory if it starts
with ``/``). The options, their ``modelsummary_*`` defaults in ``conf.py`` (see
``SETTINGS``), ``modelsummary_cache_dir`` and ``modelsummary_mode`` are documented in
``docs/directive.rst`` and ``docs/caching.rst``.

Registering the extension imports neither Keras nor TensorFlow: a summary comes from
:func:`lookup` (the process memo, the persistent cache, or the framework). Every problem
with a model or an option becomes a warning (``type="modelsummary"``, ``subtype`` one of
:class:`~sphinx_modelsummary.errors.Problem`'s values) with the directive's location, and
the directive renders nothing in its place.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__
from . import format as fmt
from .docutils_render import TEXT_ATTRIBUTE, SummaryOptions, render, select_rows
from .cache import SummaryCache, extension_digest
from .errors import ModelSpecError, Problem

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "modelsummary.css"


# Option values ----------------------------------------------------------------------------

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


def parse_formula(value: Any) -> str:
    text = str(value or "").strip().lower() or "both"
    if text not in fmt.FORMULA_MODES:
        raise ValueError(f"expected one of {', '.join(fmt.FORMULA_MODES)}, not {value!r}")
    return text


def parse_columns(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return tuple(fmt.parse_columns(value))


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


def parse_layers(value: Any) -> tuple[str | None, str | None]:
    """``first..last`` (either end may be left out: ``conv2d..``, ``..dense``) or one name."""
    text = str(value or "").strip()
    if not text:
        raise ValueError("expected 'first..last' (layer names), not nothing")
    first, dots, last = text.partition("..")
    first, last = first.strip() or None, last.strip() or None
    if not dots:
        last = first
    if ".." in (last or "") or (first is None and last is None):
        raise ValueError(f"expected 'first..last' (layer names), not {value!r}")
    return first, last


def parse_count(value: Any) -> int:
    """A whole number; ``34,826`` and ``34_826`` are fine."""
    text = str(value or "").strip().replace(",", "").replace("_", "")
    if not text.isdigit():
        raise ValueError(f"expected a whole number of parameters, not {value!r}")
    return int(text)


def parse_classes(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return tuple(directives.class_option(str(value or "")))


def _text(value: Any) -> str:
    return str(value or "").strip()


@dataclasses.dataclass(frozen=True)
class Setting:
    """One option: its directive name, its conf.py value (if it has one), its parser."""

    option: str
    field: str
    parse: Callable[[Any], Any]
    config: str | None = None
    default: Any = None
    types: tuple = ()


SETTINGS = (
    Setting("input-shape", "input_shape", _text),
    Setting("columns", "columns", parse_columns, "modelsummary_columns", list(fmt.DEFAULT_COLUMNS), (list, tuple, str)),
    Setting("formula", "formula", parse_formula, "modelsummary_formula", "both", (str,)),
    Setting("shape-derivations", "shape_derivations", parse_bool, "modelsummary_shape_derivations", True, (bool,)),
    Setting("explain", "explain", parse_bool, "modelsummary_explain", False, (bool,)),
    Setting("expand-nested", "expand_nested", parse_bool, "modelsummary_expand_nested", True, (bool,)),
    Setting("depth", "depth", parse_depth, "modelsummary_depth", None, (int, str, type(None))),
    Setting("layers", "layers", parse_layers),
    Setting("totals", "totals", parse_bool, "modelsummary_totals", True, (bool,)),
    Setting("legend", "legend", parse_bool, "modelsummary_legend", True, (bool,)),
    Setting("caption", "caption", _text),
    Setting("name", "name", _text),
    Setting("class", "classes", parse_classes, "modelsummary_class", [], (list, tuple, str)),
    Setting("expect-params", "expect_params", parse_count),
)
_BY_OPTION = {s.option: s for s in SETTINGS}


def config_defaults(config, warn: bool = False) -> dict[str, Any]:
    """The validated ``modelsummary_*`` values (a bad one falls back to its default)."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.config is None:
            continue
        raw = getattr(config, setting.config, setting.default)
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as error:
            if warn:
                logger.warning("conf.py: %s = %r: %s; using the default, %r", setting.config, raw, error,
                               setting.default, type="modelsummary", subtype=Problem.OPTION.value)
            values[setting.field] = setting.parse(setting.default)
    return values


def resolve_options(config, options: dict[str, Any]) -> SummaryOptions:
    """The directive's options over the conf.py defaults, as one :class:`SummaryOptions`.

    Raises ``ValueError`` with a message naming the bad option.
    """
    values = config_defaults(config)
    given: dict[str, Any] = {}
    for option, raw in options.items():
        setting = _BY_OPTION[option]
        try:
            given[setting.field] = setting.parse(raw)
        except ValueError as error:
            raise ValueError(f":{option}: {error}") from None
    if "depth" in given and "expand_nested" in given:
        raise ValueError(":depth: and :expand-nested: both given; use one")
    values.update(given)
    expand = values.pop("expand_nested")
    if "depth" not in given and ("expand_nested" in given or values["depth"] is None):
        values["depth"] = None if expand else 0
    return SummaryOptions(**values)


# The record: from the process memo, the persistent cache, or computed -------------------

MODES = ("auto", "compute", "cache")


@dataclasses.dataclass
class _Entry:
    record: dict | None
    error: tuple[str, str] | None  # (subtype, message)
    stamps: dict[str, tuple[int, int] | None]
    warning: tuple[str, str] | None = None  # a record shown all the same (a stale cache entry)


_MEMO: dict[tuple, _Entry] = {}


class SummaryError(Exception):
    """A memoised failure: ``subtype`` is a :class:`Problem` value."""

    def __init__(self, subtype: str, message: str, sources: list[str]):
        super().__init__(message)
        self.subtype = subtype
        self.sources = sources


def lookup(spec: str, input_shape: str | None = None, base_dir: str | os.PathLike = ".",
           srcdir: str | os.PathLike = ".", cache: SummaryCache | None = None, mode: str = "auto") -> _Entry:
    """The summary of ``spec``, once per process for the same arguments, and again only
    when one of the model's source files changes. ``mode`` says where it may come from:
    ``auto`` a fresh cache entry, else computed (and stored); ``compute`` always computed
    (and stored); ``cache`` only the cache, never importing the framework."""
    key = (spec.strip(), " ".join((input_shape or "").split()), str(base_dir), str(srcdir),
           str(cache.directory) if cache else "", mode)
    entry = _MEMO.get(key)
    if entry is not None and _stamps(entry.stamps) != entry.stamps:
        _forget_modules(entry.stamps)
        entry = None
    if entry is None:
        entry = _MEMO[key] = _find(*key[:4], cache, mode)
    return entry


def get_record(*args, **kwargs) -> dict:
    """:func:`lookup`'s record; a failure is raised as :class:`SummaryError`."""
    entry = lookup(*args, **kwargs)
    if entry.error is not None:
        raise SummaryError(*entry.error, sources=list(entry.stamps))
    return entry.record


def _find(spec: str, input_shape: str, base_dir: str, srcdir: str, cache, mode: str) -> _Entry:
    found = None
    if spec.endswith(".keras"):  # the same file from any page is one entry
        cache_spec = Path(os.path.relpath(Path(base_dir, spec), srcdir)).as_posix()
    else:
        cache_spec = spec
    if cache is not None and mode != "compute":
        found = cache.load(cache_spec, input_shape or None)
        if found.record is not None and not found.stale:
            return _Entry(found.record, None, _stamps(found.record["model"]["sources"]))
    if mode == "cache":
        if found is not None and found.record is not None:
            return _stale(spec, found)
        where = f"{found.missing} in {cache.directory}" if found else "modelsummary_cache_dir is empty"
        message = (f"no cached summary of {spec!r} ({where}) and modelsummary_mode is 'cache'; fill the cache "
                   "with: sphinx-build -E -b dummy -D modelsummary_mode=compute SOURCEDIR OUTDIR")
        return _Entry(None, (Problem.UNCACHED.value, message), {})
    entry = _compute(spec, input_shape, base_dir)
    if entry.error and entry.error[0] == Problem.FRAMEWORK.value and found is not None and found.record:
        return _stale(spec, found)  # no framework here: an old summary beats none
    if entry.record is not None and cache is not None:
        try:
            cache.store(cache_spec, input_shape or None, entry.record)
        except OSError as error:
            entry.warning = (Problem.UNCACHED.value, f"cannot write the cache entry for {spec!r}: {error}")
    return entry


def _stale(spec: str, found) -> _Entry:
    message = (f"the cached summary of {spec!r} is stale ({found.stale}); it is shown as it was. Refresh it: "
               "sphinx-build -E -b dummy -D modelsummary_mode=compute SOURCEDIR OUTDIR")
    return _Entry(found.record, None, _stamps(found.record["model"]["sources"]), (Problem.STALE.value, message))


def _compute(spec: str, input_shape: str, base_dir: str) -> _Entry:
    try:
        from .summary import summarize

        record = summarize(spec, input_shape or None, base_dir)
    except ModelSpecError as error:
        return _Entry(None, (error.problem.value, str(error)), _stamps(_sources_of(spec, base_dir)))
    except (Exception, SystemExit) as error:  # a bug here, or a module that calls sys.exit
        message = (f"summarising {spec!r} failed unexpectedly ({type(error).__name__}: {error}); "
                   "please report this to sphinx-modelsummary")
        return _Entry(None, (Problem.INTERNAL.value, message), _stamps(_sources_of(spec, base_dir)))
    return _Entry(record, None, _stamps(record["model"].get("sources") or []))


def _stamps(paths) -> dict[str, tuple[int, int] | None]:
    stamps = {}
    for path in paths:
        try:
            stat = os.stat(path)
            stamps[path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamps[path] = None
    return stamps


def _sources_of(spec: str, base_dir: str) -> list[str]:
    """The user's files behind a spec that failed (so fixing them re-reads the page)."""
    try:
        from .spec import parse_spec, user_sources

        parsed = parse_spec(spec)
        if parsed.path:
            return [str(Path(base_dir, parsed.path).resolve())]
        files = user_sources(parsed, base_dir)
        if files:
            return files
        found = importlib.util.find_spec(parsed.module)
        origin = found.origin if found is not None else None
        if origin and os.path.isfile(origin) and "site-packages" not in origin:
            return [str(Path(origin).resolve())]
    except Exception:
        pass
    return []


def _forget_modules(stamps: dict) -> None:
    """Drop the user's modules behind a stale record so they are imported afresh."""
    files = set(stamps)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and str(Path(path).resolve()) in files:
            del sys.modules[name]
    importlib.invalidate_caches()


# The directive -------------------------------------------------------------------------------


class ModelSummary(SphinxDirective):
    """``.. model-summary:: package.module:factory`` (or ``path/to/model.keras``)."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True  # ``module:factory(1, size=2)``
    has_content = False
    # Every value is checked in run(), so a bad one is a modelsummary.option warning.
    option_spec = {setting.option: directives.unchanged for setting in SETTINGS}

    def run(self) -> list[nodes.Node]:
        spec = self.arguments[0].strip()
        try:
            options = resolve_options(self.config, self.options)
        except ValueError as error:
            return self._fail(Problem.OPTION.value, str(error))
        spec_text, base_dir = self._locate(spec)
        entry = lookup(spec_text, options.input_shape or None, base_dir, self.env.srcdir,
                       _cache(self.config, self.env.srcdir), self.config.modelsummary_mode)
        for path in entry.stamps:  # an edit to the model's code (or a fix) re-reads this page
            self.env.note_dependency(path)
        if entry.error is not None:
            return self._fail(*entry.error)
        if entry.warning is not None:
            self._warn(*entry.warning)
        record = entry.record
        try:
            rows = select_rows(record, options)
        except ValueError as error:
            return self._fail(Problem.OPTION.value, f":layers: {error}")

        for diagnostic in [d for d in record["diagnostics"] if d["kind"] == "mismatch"]:
            where = diagnostic.get("layer") or record["model"]["name"]
            self._warn(Problem.MISMATCH.value, f"{where}: {diagnostic['message']}")
        total = record["totals"]["params"]
        if options.expect_params is not None and options.expect_params != total:
            self._warn(Problem.EXPECT.value,
                       f"the model has {fmt.count_text(total)} parameters, "
                       f":expect-params: says {fmt.count_text(options.expect_params)}")

        index = {id(row): i for i, row in enumerate(record["layers"])}
        pending = pending_summary(record=record, options=options, rows=[index[id(r)] for r in rows])
        stub = nodes.table(classes=["modelsummary"])  # carries the caption and ids until then
        pending += stub
        messages: list[nodes.Node] = []
        if options.caption:  # inline markup in the caption, as in a figure's
            inline, messages = self.state.inline_text(options.caption, self.lineno)
            stub += nodes.title(options.caption, "", *inline)
        if options.name:
            self.options["name"] = options.name
            self.add_name(stub)
        for node in (pending, stub):
            self.set_source_info(node)
        return [pending, *messages]

    def _locate(self, spec: str) -> tuple[str, str]:
        """A ``.keras`` path is relative to the document, or to the source directory when it
        starts with ``/``; it is passed on as a file name in its (resolved) folder."""
        srcdir = Path(self.env.srcdir)
        if not spec.endswith(".keras"):
            return spec, str(srcdir)
        if spec.startswith("/"):
            path = srcdir / spec.lstrip("/")
        else:
            path = Path(self.env.doc2path(self.env.docname)).parent / spec
        path = Path(os.path.normpath(path.absolute()))
        return path.name, str(path.parent)

    def _warn(self, subtype: str, message: str) -> None:
        spec = self.arguments[0].strip()
        message = f"model-summary: {message}" if spec in message else f"model-summary {spec}: {message}"
        location = self.get_location() or (self.env.docname, self.lineno)
        logger.warning(message, location=location, type="modelsummary", subtype=subtype)

    def _fail(self, subtype: str, message: str) -> list[nodes.Node]:
        self._warn(subtype, message)
        return []


# Plain-text formulas, the stylesheet, set-up -----------------------------------------------


class pending_summary(nodes.General, nodes.Element):
    """A summary whose table is built when the page is written, so the read-time
    transforms and the pickled doctree never carry a large table. Its stub table holds
    the caption and ids, so table numbers and references work as for any table."""


class RenderSummaries(SphinxPostTransform):
    """Each :class:`pending_summary` becomes its table, notes, totals, legend and steps."""

    default_priority = 50  # before BuilderAdjustments

    def run(self, **kwargs: Any) -> None:
        for pending in list(self.document.findall(pending_summary)):
            record = pending["record"]
            result = render(record, pending["options"], [record["layers"][i] for i in pending["rows"]])
            table, stub = result[0].next_node(nodes.table), pending[0]
            table["ids"], table["names"] = stub["ids"], stub["names"]
            if len(stub):
                table.next_node(nodes.title).replace_self(stub[0])
            for node in result[0].findall(nodes.Element):
                node.source, node.line = pending.source, pending.line
            pending.replace_self(result)


class BuilderAdjustments(SphinxPostTransform):
    """What a summary needs from some builders, done on the copy of the doctree they write:

    * text, man, texinfo: each formula's plain reading (``32 * (1 * 3 * 3 + 1) = 320``)
      replaces its math, which they would print as LaTeX source;
    * text: a cell's paragraphs stay on lines of their own (its writer flows them into one);
    * LaTeX: the columns get the widths the renderer measured (``colwidths-given``), with
      more for numbers, which should not wrap.
    """

    default_priority = 400
    formats = ("text", "man", "texinfo", "latex")

    def is_supported(self) -> bool:
        return _builder_format(self) in self.formats

    def run(self, **kwargs: Any) -> None:
        builder_format = _builder_format(self)
        tables = [t for t in self.document.findall(nodes.table) if "modelsummary" in t["classes"]]
        if builder_format == "latex":
            for table in tables:
                if "colwidths-given" not in table["classes"]:
                    table["classes"].append("colwidths-given")
                _widen_count_columns(table)
            return
        for node in list(self.document.findall(nodes.math)):
            if TEXT_ATTRIBUTE in node:
                node.replace_self(nodes.Text(node[TEXT_ATTRIBUTE]))
        if builder_format == "text":
            for table in tables:
                _stack_paragraphs(table)


def _widen_count_columns(table: nodes.table) -> None:
    """On a page the columns share the width in proportion: counts, which should not
    wrap (nor their headers, ``Parameters``), get a larger share than their length."""
    heads = table.next_node(nodes.thead).findall(nodes.entry)
    for colspec, head in zip(table.findall(nodes.colspec), heads):
        if "modelsummary-numeric" in head["classes"]:
            colspec["colwidth"] = round(colspec["colwidth"] * 1.5)


def _builder_format(transform: SphinxPostTransform) -> str:
    builder = getattr(transform.env, "_builder_cls", None) or transform.app.builder  # Sphinx < 8.1
    return builder.format


def _stack_paragraphs(table: nodes.table) -> None:
    """Keep a cell's paragraphs on lines of their own in the text writer, which flows
    them into one: each line is padded to the column's width with no-break spaces (which
    its wrapper does not break at), so the next paragraph starts a new line."""
    widths = [colspec["colwidth"] for colspec in table.findall(nodes.colspec)]
    for row in table.findall(nodes.row):
        for entry, width in zip(row.children, widths):
            paragraphs = [p for p in entry.children if isinstance(p, nodes.paragraph)]
            if len(paragraphs) < 2 or not all(isinstance(c, nodes.Text) for p in paragraphs for c in p.children):
                continue
            lines = [line for p in paragraphs for line in textwrap.wrap(p.astext(), width) or [""]]
            text = " ".join(line.ljust(width, "\u00a0") for line in lines[:-1]) + " " + lines[-1]
            for paragraph in paragraphs:
                entry.remove(paragraph)
            entry += nodes.paragraph(text, text)


def _config_inited(app, config) -> None:
    if config.modelsummary_mode not in MODES:
        logger.warning("conf.py: modelsummary_mode = %r: expected one of %s; using 'auto'",
                       config.modelsummary_mode, ", ".join(MODES), type="modelsummary", subtype=Problem.OPTION.value)
        config.modelsummary_mode = "auto"
    config_defaults(config, warn=True)
    for setting in SETTINGS:  # a bad value was reported; its default stands in from here on
        if setting.config is not None:
            try:
                setting.parse(getattr(config, setting.config))
            except ValueError:
                setattr(config, setting.config, setting.default)
    static = str(STATIC_DIR)
    if static not in [str(p) for p in config.html_static_path]:
        # first, so a project's own static modelsummary.css wins
        config.html_static_path = [static, *config.html_static_path]


SUMMARY_DIRECTIVE = re.compile(r"(?:\.\. model-summary::|[`:]{3,}\s*\{model-summary\})[ \t]*(\S*)")


def _summaries_first(app, env, docnames: list[str]) -> None:
    """In a parallel build, read the pages with summaries first, the same spec together:
    each worker process imports the framework, so the fewer that need it the better."""
    if app.parallel <= 1:
        return

    def first_spec(docname: str) -> tuple[int, str]:
        try:
            found = SUMMARY_DIRECTIVE.search(Path(env.doc2path(docname)).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            found = None
        return (0, found.group(1)) if found else (1, "")

    docnames.sort(key=first_spec)


def _cache(config, srcdir) -> SummaryCache | None:
    folder = config.modelsummary_cache_dir
    return SummaryCache(Path(srcdir, folder), srcdir) if folder else None


def setup(app) -> dict[str, Any]:
    app.add_config_value("modelsummary_cache_dir", "_modelsummary_cache", "env", types=(str,))
    app.add_config_value("modelsummary_mode", "auto", "env", types=(str,))
    for setting in SETTINGS:
        if setting.config is not None:
            app.add_config_value(setting.config, setting.default, "env", types=setting.types)
    app.add_directive("model-summary", ModelSummary)
    app.add_node(pending_summary)
    app.add_post_transform(RenderSummaries)
    app.add_post_transform(BuilderAdjustments)
    app.connect("env-before-read-docs", _summaries_first)
    app.add_css_file(CSS_FILE)
    app.connect("config-inited", _config_inited)
    return {
        "version": __version__,
        # the doctrees hold summary records: new record-making code means reading pages again
        "env_version": int(extension_digest()[:8], 16),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
