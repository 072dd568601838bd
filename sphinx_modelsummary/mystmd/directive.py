"""One ``model-summary`` directive of a page: its options, its record, its nodes."""

from __future__ import annotations

import sys

from ..lookup import lookup
from ..present import myst_ast
from ..present.view import select_rows
from ..problems import Hint, Problem, describe
from ..settings import OPTIONS, record_problems, resolve_options
from .site import Site, fill_cache, locate

_OPTION_NAMES = {setting.option for setting in OPTIONS}


def run_directive(request: dict, site: Site) -> list[dict]:
    """The nodes for one directive (``{"arg", "options", "node"}`` as mystmd sends it)."""
    spec = str(request.get("arg") or "").strip()
    line = ((request.get("node") or {}).get("position") or {}).get("start", {}).get("line")
    nodes = [_problem(spec, line, *problem) for problem in site.problems]
    given = {key: value for key, value in (request.get("options") or {}).items() if key in _OPTION_NAMES}
    try:
        options = resolve_options(site.defaults, given)
    except ValueError as error:
        return nodes + [_problem(spec, line, Problem.OPTION, str(error), error=True)]
    entry = _lookup(site, spec, options.input_shape or None)
    if entry.error is not None:
        return nodes + [_problem(spec, line, *entry.error, entry.error.hint, error=True)]
    if entry.warning is not None:
        nodes.append(_problem(spec, line, *entry.warning, entry.warning.hint))
    try:
        rows = select_rows(entry.record, options)
    except ValueError as error:
        return nodes + [_problem(spec, line, Problem.OPTION, f":layers: {error}", error=True)]
    nodes += [_problem(spec, line, *problem) for problem in record_problems(entry.record, options)]
    return nodes + myst_ast.render(entry.record, options, rows)


def _lookup(site: Site, spec: str, input_shape: str | None):
    spec_text, base_dir = locate(spec, site.root)
    if site.mode == "auto" and site.cache is not None:
        entry = lookup(spec_text, input_shape, base_dir, site.root, site.cache, "cache")
        if entry.error is None and entry.warning is None:
            return entry  # a fresh cache entry: no framework
        fill_cache(site)
    return lookup(spec_text, input_shape, base_dir, site.root, site.cache, site.mode)


def _problem(spec: str, line: int | None, problem: Problem, message: str, hint: Hint | None = None,
             error: bool = False) -> dict:
    """A problem as mystmd users see one: an admonition in the page, and a line on stderr."""
    message = describe("mystmd", problem, message, hint, spec)
    kind, subtype = "error" if error else "warning", Problem(problem).value
    where = f" (line {line})" if line else ""
    print(f"model-summary{where}: {kind} [modelsummary.{subtype}]: {message}", file=sys.stderr)
    return myst_ast.admonition(kind, f"model-summary: {kind} ({subtype})", message)
