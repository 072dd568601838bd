"""One ``model-summary`` directive of a page: its options, its record, its nodes."""

from __future__ import annotations

import sys

from ..lookup import lookup
from ..present import myst_ast
from ..present.view import select_rows
from ..problems import Problem, with_hint
from ..settings import SETTINGS, record_problems, resolve_options
from .site import Site, fill_cache, locate

_BY_OPTION = {setting.option: setting for setting in SETTINGS}


def run_directive(request: dict, site: Site) -> list[dict]:
    """The nodes for one directive (``{"arg", "options", "node"}`` as mystmd sends it)."""
    spec = str(request.get("arg") or "").strip()
    line = ((request.get("node") or {}).get("position") or {}).get("start", {}).get("line")
    nodes = [_problem(spec, line, *problem) for problem in site.problems]
    given = {key: value for key, value in (request.get("options") or {}).items() if key in _BY_OPTION or key == "label"}
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
    spec_text, base_dir = locate(spec, site.root)
    if site.mode == "auto" and site.cache is not None:
        entry = lookup(spec_text, input_shape, base_dir, site.root, site.cache, "cache")
        if entry.error is None and entry.warning is None:
            return entry  # a fresh cache entry: no framework
        fill_cache(site)
    return lookup(spec_text, input_shape, base_dir, site.root, site.cache, site.mode)


def _problem(spec: str, line: int | None, subtype: str, message: str, error: bool = False,
             directive: str = "model-summary") -> dict:
    """A problem as mystmd users see one: an admonition in the page, and a line on stderr."""
    message = with_hint("mystmd", subtype, message)
    if spec and spec not in message:
        message = f"{spec}: {message}"
    kind = "error" if error else "warning"
    where = f" (line {line})" if line else ""
    print(f"{directive}{where}: {kind} [modelsummary.{subtype}]: {message}", file=sys.stderr)
    return myst_ast.admonition(kind, f"{directive}: {kind} ({subtype})", message)
