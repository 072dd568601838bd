"""The ``model-summary`` directive for mystmd (Jupyter Book 2), as an executable plugin.

mystmd runs the plugin's entry file with no arguments to read the spec of its
directives, then once per directive, a new process each time, with ``--directive
model-summary``, the directive as JSON on stdin, and a JSON list of MyST AST nodes
expected on stdout. A plugin that exits non-zero loses the whole page, so this one
always exits 0: a problem is an admonition in the page and a line on stderr.

Because every directive is a new process, the persistent cache (in the folder of
``myst.yml``) is what keeps builds fast: a cache hit imports no framework, and the first
miss of a build fills the cache for every summary of the site in one process, so a cold
build imports the framework once, not once per page. See ``docs/jupyter-book-2.rst``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from . import myst_ast
from .cache import SummaryCache
from .format import select_rows
from .errors import Problem
from .hints import with_hint
from .lookup import MODES, lookup
from .options import SETTINGS, record_problems, resolve_options

NAME = "model-summary"
CACHE_DIR = "_modelsummary_cache"
_BY_OPTION = {setting.option: setting for setting in SETTINGS}
_SKIPPED = {"_build", "node_modules"}
_DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{model-summary\}[ \t]*(?P<spec>.*?)[ \t]*$"
                        r"(?P<options>(?:\n[ \t]*:[\w-]+:.*$)*)", re.M)
_INPUT_SHAPE = re.compile(r"^[ \t]*:input-shape:(.*)$", re.M)


def plugin_spec() -> dict:
    """What mystmd reads at start-up: the directive, its argument and options (all read as
    strings, so a flag such as ``:explain:`` and ``:explain: no`` both reach the parsers)."""
    options: dict[str, dict] = {setting.option: {"type": "string"} for setting in SETTINGS}
    options["name"]["alias"] = ["label"]  # MyST's usual name for a target
    return {
        "name": "sphinx-modelsummary",
        "directives": [{
            "name": NAME,
            "doc": "A table of a Keras model's layers with the arithmetic behind every shape and parameter count.",
            "arg": {"type": "string", "required": True,
                    "doc": "package.module:attribute, package.module:factory(args) or path/to/model.keras"},
            "options": options,
        }],
    }


@dataclasses.dataclass
class Site:
    """The project the directives belong to, and the plugin's settings for it."""

    root: Path
    cache: SummaryCache | None
    mode: str = "auto"
    defaults: SimpleNamespace = dataclasses.field(default_factory=SimpleNamespace)
    problems: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # bad settings


def project_root(start: str | os.PathLike = ".") -> Path:
    """The nearest folder, from ``start`` up, holding ``myst.yml`` (else ``start``)."""
    start = Path(start).resolve()
    return next((folder for folder in (start, *start.parents) if (folder / "myst.yml").is_file()), start)


def make_site(cache_dir: str = CACHE_DIR, mode: str = "auto", defaults: dict[str, Any] | None = None) -> Site:
    """The settings an entry file passes to :func:`main`, checked; ``MODELSUMMARY_MODE``
    in the environment overrides ``mode``."""
    root = project_root()
    site = Site(root, SummaryCache(root / cache_dir, root) if cache_dir else None)
    site.mode = os.environ.get("MODELSUMMARY_MODE") or mode
    if site.mode not in MODES:
        site.problems.append((Problem.OPTION.value,
                              f"mode {site.mode!r}: expected one of {', '.join(MODES)}; using 'auto'"))
        site.mode = "auto"
    for key, value in (defaults or {}).items():
        setting = _BY_OPTION.get(key.replace("_", "-"))
        try:
            if setting is None or setting.config is None:
                raise ValueError("not a setting with a site-wide default")
            setattr(site.defaults, setting.config, setting.parse(value))
        except ValueError as error:
            site.problems.append((Problem.OPTION.value, f"the plugin's default {key}={value!r}: {error}; ignored"))
    return site


def main(argv: list[str] | None = None, *, cache_dir: str = CACHE_DIR, mode: str = "auto", **defaults: Any) -> int:
    """The plugin: ``cache_dir`` (relative to the folder of ``myst.yml``; ``""`` for none),
    ``mode`` (``auto``, ``compute``, ``cache``) and defaults for every directive's options
    (``explain=True``, ``columns="layer, params"``). Always returns 0."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        json.dump(plugin_spec(), sys.stdout)
        return 0
    with _nodes_output() as output:
        try:
            if argv != ["--directive", NAME]:
                raise ValueError(f"unknown request {' '.join(argv)!r}")
            request = json.load(sys.stdin)
            site = make_site(cache_dir, mode, defaults)
            if str(site.root) not in sys.path:
                sys.path.insert(0, str(site.root))  # so pages can name the project's own modules
            nodes = run_directive(request, site)
        except Exception as error:  # a bug: still exit 0, or mystmd drops the page
            message = f"the plugin failed ({type(error).__name__}: {error}); please report this to sphinx-modelsummary"
            nodes = [_problem("", None, Problem.INTERNAL.value, message, error=True)]
        json.dump(nodes, output)
    return 0


@contextlib.contextmanager
def _nodes_output():
    """Standard output for the nodes alone: whatever else is written there while a model
    is built (a ``print`` in the user's module, a C++ log line) goes to stderr instead,
    where it cannot spoil the JSON that mystmd reads."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
    except (OSError, ValueError):
        yield sys.stdout
        return
    with os.fdopen(saved, "w", encoding="utf-8") as output:
        yield output


def run_directive(request: dict, site: Site) -> list[dict]:
    """The nodes for one directive (``{"arg", "options", "node"}`` as mystmd sends it)."""
    spec = str(request.get("arg") or "").strip()
    line = ((request.get("node") or {}).get("position") or {}).get("start", {}).get("line")
    nodes = [_problem(spec, line, *problem) for problem in site.problems]
    given = {key: value for key, value in (request.get("options") or {}).items() if key in _BY_OPTION}
    try:
        options = resolve_options(site.defaults, given)
    except ValueError as error:
        return nodes + [_problem(spec, line, Problem.OPTION.value, str(error), error=True)]
    entry = _lookup(site, spec, options.input_shape or None)
    if entry.error is not None:
        return nodes + [_problem(spec, line, *entry.error, error=True)]
    if entry.warning is not None:
        nodes.append(_problem(spec, line, *entry.warning))
    try:
        rows = select_rows(entry.record, options)
    except ValueError as error:
        return nodes + [_problem(spec, line, Problem.OPTION.value, f":layers: {error}", error=True)]
    nodes += [_problem(spec, line, *problem) for problem in record_problems(entry.record, options)]
    return nodes + myst_ast.render(entry.record, options, rows)


def _lookup(site: Site, spec: str, input_shape: str | None):
    spec_text, base_dir = _locate(spec, site.root)
    if site.mode == "auto" and site.cache is not None:
        entry = lookup(spec_text, input_shape, base_dir, site.root, site.cache, "cache")
        if entry.error is None and entry.warning is None:
            return entry  # a fresh cache entry: no framework
        fill_cache(site)
    return lookup(spec_text, input_shape, base_dir, site.root, site.cache, site.mode)


def _locate(spec: str, root: Path) -> tuple[str, str]:
    """A ``.keras`` path is relative to the folder of ``myst.yml`` (mystmd does not tell
    a plugin which page it is on); it is passed on as a file name in its folder."""
    if not spec.endswith(".keras"):
        return spec, str(root)
    path = Path(os.path.normpath(root / spec.lstrip("/")))
    return path.name, str(path.parent)


def fill_cache(site: Site) -> None:
    """Summarise every model the site's pages name that has no fresh cache entry, in this
    process: the first miss of a cold build imports the framework once for all of them."""
    for spec, input_shape in site_summaries(site.root):
        spec_text, base_dir = _locate(spec, site.root)
        lookup(spec_text, input_shape, base_dir, site.root, site.cache, "auto")


def site_summaries(root: Path) -> list[tuple[str, str | None]]:
    """``(spec, input shape)`` of each ``model-summary`` in the Markdown pages and notebooks
    under ``root``, in order, once each (a best effort: it only decides what to compute early)."""
    found: dict[tuple[str, str | None], None] = {}
    for path in sorted([*root.rglob("*.md"), *root.rglob("*.ipynb")]):
        parts = path.relative_to(root).parts
        if any(part in _SKIPPED or part.startswith(".") for part in parts[:-1]):
            continue
        for match in _DIRECTIVE.finditer(_page_text(path)):
            shape = _INPUT_SHAPE.search(match["options"])
            found[(match["spec"], shape[1].strip() or None if shape else None)] = None
    return list(found)


def _page_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "markdown")
        return text
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return ""


def _problem(spec: str, line: int | None, subtype: str, message: str, error: bool = False) -> dict:
    """A problem as mystmd users see one: an admonition in the page, and a line on stderr."""
    message = with_hint("mystmd", subtype, message)
    if spec and spec not in message:
        message = f"{spec}: {message}"
    kind = "error" if error else "warning"
    where = f" (line {line})" if line else ""
    print(f"model-summary{where}: {kind} [modelsummary.{subtype}]: {message}", file=sys.stderr)
    return myst_ast.admonition(kind, f"model-summary: {kind} ({subtype})", message)
