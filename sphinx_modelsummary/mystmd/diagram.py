"""The ``model-diagram`` directive for mystmd, and ``model-summary``'s ``:diagram:``: a
figure whose image is the diagram's SVG as a data URI. mystmd drops an ``html`` node from
a plugin, but writes a data URI image out as a file of the site (measured with mystmd
1.8.3); an image's SVG cannot link to the table's rows nor take the theme's colours, so
it follows the reader's light or dark preference."""

from __future__ import annotations

from ..present.diagram_layout import diagram_rows
from ..present.diagram_myst import figure
from ..problems import Problem
from ..settings import DIAGRAM_SETTINGS, record_problems, resolve_diagram_options
from .directive import _lookup, _problem
from .site import Site

NAME = "model-diagram"
_OPTION_NAMES = {setting.option for setting in DIAGRAM_SETTINGS}


def run_diagram(request: dict, site: Site) -> list[dict]:
    """The nodes for one ``model-diagram`` (``{"arg", "options", "node"}`` as mystmd sends it)."""
    spec = str(request.get("arg") or "").strip()
    where = (request.get("node") or {}).get("position")
    nodes = [_problem(spec, where, *problem, directive=NAME) for problem in site.problems]
    given = {key: value for key, value in (request.get("options") or {}).items()
             if key in _OPTION_NAMES or key == "label"}
    try:
        options = resolve_diagram_options(given)
    except ValueError as error:
        return nodes + [_problem(spec, where, Problem.OPTION, str(error), error=True, directive=NAME)]
    entry = _lookup(site, spec, options.input_shape or None)
    if entry.error is not None:
        return nodes + [_problem(spec, where, *entry.error, entry.error.hint, error=True, directive=NAME)]
    if entry.warning is not None:
        nodes.append(_problem(spec, where, *entry.warning, entry.warning.hint, directive=NAME))
    try:
        rows = diagram_rows(entry.record, options.layers)
    except ValueError as error:
        return nodes + [_problem(spec, where, Problem.OPTION, f":layers: {error}", error=True, directive=NAME)]
    nodes += [_problem(spec, where, *problem, directive=NAME) for problem in record_problems(entry.record, options)
              if problem.problem == Problem.EXPECT]
    return nodes + [figure(entry.record, rows, options.view, options.caption, options.name)]
