"""One ``model-summary`` directive of a page: its options, its record, its nodes."""

from __future__ import annotations

import sys

from ..lookup import lookup
from ..model.clean import one_line
from ..present import diagram_myst, myst_ast
from ..present.view import select_rows
from ..problems import Hint, Problem, describe
from ..settings import OPTIONS, record_problems, resolve_options
from .site import Site, fill_cache, locate

_OPTION_NAMES = {setting.option for setting in OPTIONS}
DOCS = "https://sphinx-modelsummary.readthedocs.io"


def run_directive(request: dict, site: Site) -> list[dict]:
    """The nodes for one directive (``{"arg", "options", "node"}`` as mystmd sends it)."""
    spec = str(request.get("arg") or "").strip()
    where = (request.get("node") or {}).get("position")  # the directive's page position, for mystmd's log
    nodes = [_problem(spec, where, *problem) for problem in site.problems]
    given = {key: value for key, value in (request.get("options") or {}).items()
             if key in _OPTION_NAMES or key == "label"}
    try:
        options = resolve_options(site.defaults, given)
    except ValueError as error:
        return nodes + [_problem(spec, where, Problem.OPTION, str(error), error=True)]
    entry = _lookup(site, spec, options.input_shape or None)
    if entry.error is not None:
        return nodes + [_problem(spec, where, *entry.error, entry.error.hint, error=True)]
    if entry.warning is not None:
        nodes.append(_problem(spec, where, *entry.warning, entry.warning.hint))
    try:
        rows = select_rows(entry.record, options)
    except ValueError as error:
        return nodes + [_problem(spec, where, Problem.OPTION, f":layers: {error}", error=True)]
    nodes += [_problem(spec, where, *problem) for problem in record_problems(entry.record, options)]
    nodes += myst_ast.render(entry.record, options, rows)
    if options.diagram:  # the diagram under the table
        nodes.append(diagram_myst.figure(entry.record, [r for r in rows if r["depth"] == 0]))
    return nodes


def _lookup(site: Site, spec: str, input_shape: str | None):
    spec_text, base_dir = locate(spec, site.root)
    if site.mode == "auto" and site.cache is not None:
        entry = lookup(spec_text, input_shape, base_dir, site.root, site.cache, "cache")
        if entry.error is None and entry.warning is None:
            return entry  # a fresh cache entry: no framework
        fill_cache(site)
    return lookup(spec_text, input_shape, base_dir, site.root, site.cache, site.mode)


def _problem(spec: str, position: dict | None, problem: Problem | str, message: str, hint: Hint | None = None,
             error: bool = False, directive: str = "model-summary") -> dict:
    """A problem as mystmd users see one: an admonition in the page, a line in the
    ``myst build`` log with the page and line (see :func:`log_node`), and a line on stderr."""
    message = one_line(describe("mystmd", problem, message, hint))
    # the log's words are the Sphinx warning's: "model-summary SPEC: message [modelsummary.subtype]"
    logged = f"{directive}: {message}" if spec in message else f"{directive} {spec}: {message}"
    if spec and spec not in message:
        message = f"{spec}: {message}"
    kind, subtype = "error" if error else "warning", Problem(problem).value
    line = ((position or {}).get("start") or {}).get("line")
    where = f" (line {line})" if line else ""
    print(f"{directive}{where}: {kind} [modelsummary.{subtype}]: {message}", file=sys.stderr)
    box = myst_ast.admonition(kind, f"{directive}: {kind} ({subtype})", message)
    box["children"][-1]["children"].append(log_node(f"{logged} [modelsummary.{subtype}]", position))
    return box


def log_node(words: str, position: dict | None) -> dict:
    """An inline node that makes mystmd itself print ``words`` at the directive's page and
    line, at normal verbosity: a plugin has no message channel (its stderr shows only with
    ``--debug``), but mystmd warns about every cross-reference it cannot resolve, after its
    own words "Cross reference target was not found:". It is a warning (error_rules'
    ``reference-target-resolves`` makes it an error for ``myst build --strict``). Its text
    is a space, and ``remoteBaseUrl`` makes exports write a link to the docs rather than a
    Typst label made of the message (which would not compile)."""
    node = {"type": "crossReference", "identifier": words, "label": words, "remoteBaseUrl": DOCS,
            "children": [{"type": "text", "value": " "}]}
    if position:
        node["position"] = position
    return node
