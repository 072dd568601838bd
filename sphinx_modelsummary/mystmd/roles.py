"""The ``ms`` roles for mystmd: ``{ms:params}`quiz-cnn/conv2d``` prints ``320`` as a
cross-reference to the row of the summary named ``quiz-cnn``, on whatever page of the
site it is. mystmd runs the plugin once per role (``--role ms:params``); the summary is
found by reading the site's pages (:func:`.site.named_summaries`), its record through
the cache as the directive finds it."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ..model.clean import one_line
from ..present import myst_ast, references
from ..present.references import QUANTITIES
from ..present.view import select_rows
from ..problems import Problem
from ..settings import resolve_options
from .directive import _lookup, log_node
from .site import Site, named_summaries

DOMAIN = "ms"
ROLES = tuple(f"{DOMAIN}:{quantity}" for quantity in QUANTITIES)


@dataclass
class Named:
    """A named summary found: its record, the rows it shows and the id of its table."""

    name: str
    record: dict
    shown: list[str]
    identifier: str


def find_named(site: Site, name: str, what: str) -> tuple[Named | None, tuple[str, str] | None]:
    """The summary named ``name`` and its record, or ``(None, (subtype, message))``."""
    known = named_summaries(site.root)
    found = known.get(name)
    if found is None:
        return None, (Problem.UNKNOWN_SUMMARY.value, references.unknown_summary(what, name, known))
    try:
        options = resolve_options(site.defaults, found.options)
        entry = _lookup(site, found.spec, options.input_shape or None)
        if entry.error is not None:
            return None, (entry.error[0], f"{what}: {entry.error[1]}")
        shown = [row["label"] for row in select_rows(entry.record, options)]
    except ValueError as error:  # the summary itself is wrong: its directive says so on its page
        return None, (Problem.OPTION.value, f"{what}: the model-summary named {name}: {error}")
    return Named(name, entry.record, shown, name), None  # the table's identifier: its name, normalised


def run_role(request: dict, site: Site) -> list[dict]:
    """The nodes for one role (``{"name", "body", "node"}`` as mystmd sends it)."""
    role = str(request.get("name") or "")
    target = str(request.get("body") or "").strip()
    kind = role.partition(":")[2]
    what = f":{DOMAIN}:{kind}:`{target}`"
    where = (request.get("node") or {}).get("position")
    if role not in ROLES:
        return problem(role, where, Problem.UNKNOWN_QUANTITY.value, references.unknown_role(role), target)
    name, layer = references.split_target(target)
    named, trouble = find_named(site, name, what)
    if named is None:
        return problem(role, where, *trouble, target)
    resolved = references.resolve(named.record, kind, name, layer, what, DOMAIN)
    if resolved.problem is not None:
        return problem(role, where, *resolved.problem, target)
    quoted, row = resolved.quoted, resolved.row
    shown = [myst_ast.math(quoted.latex) if quoted.item is not None else myst_ast.text(quoted.text)]
    anchor = (references.row_anchor(named.name, row["label"]) if row is not None and row["label"] in named.shown
              else named.identifier)
    return [{"type": "crossReference", "identifier": anchor, "label": anchor, "class": "modelsummary-ref",
             "template": _tex_template(quoted), "children": shown}]


def _tex_template(quoted) -> str:
    """What mystmd's TeX export writes for the role. Without a template it writes its own
    words ("Table %s"); a template without ``%s`` makes it write the node's text, which
    for a formula is its TeX outside maths. So a formula's template is the maths, and
    the ``\ref`` that ``%s`` becomes is made to print nothing."""
    if quoted.item is None:
        return quoted.text
    return f"${quoted.latex}${{\\renewcommand{{\\ref}}[1]{{}}%s}}"


def problem(role: str, position: dict | None, subtype: str, message: str, target: str) -> list[dict]:
    """A role that cannot be resolved: its text as code in the prose (as Sphinx leaves
    it), the warning in the ``myst build`` log at its page and line, and on stderr."""
    message = one_line(message)
    line = ((position or {}).get("start") or {}).get("line")
    where = f" (line {line})" if line else ""
    print(f"{role}{where}: warning [modelsummary.{subtype}]: {message}", file=sys.stderr)
    return [{**myst_ast.code(target), "class": "modelsummary-problem"},
            log_node(f"{message} [modelsummary.{subtype}]", position)]
