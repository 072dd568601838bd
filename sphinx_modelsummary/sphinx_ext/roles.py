"""The ``ms`` domain: numbers of a named summary in running prose, each linked to its row.

``:ms:params:`quiz-cnn/conv2d``` prints ``320``; see ``docs/teaching-reference.rst`` for
every role. The domain remembers each summary with a ``:name:`` (its page, its table's
id, how to look its record up) and which pages refer to which summaries, so a page is
read again when a summary it quotes changes (``env-get-outdated``). Records come from
:func:`~sphinx_modelsummary.lookup.lookup`: the memo, the cache, or the model.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import roles as docutils_roles
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from ..lookup import lookup
from ..present import references
from ..present.references import QUANTITIES
from ..problems import Problem
from .directive import cache_for
from .nodes import pending_quiz, pending_summary
from .warn import warn

logger = logging.getLogger(__name__)

def split_target(target: str) -> tuple[str, str]:
    """``quiz-cnn/conv2d`` -> (``quiz-cnn``, ``conv2d``), the name normalised as ``:name:`` is."""
    name, layer = references.split_target(target)
    return nodes.fully_normalize_name(name), layer


class ModelSummaryDomain(Domain):
    name = "ms"
    label = "Model summaries"
    roles = {quantity: XRefRole(innernodeclass=nodes.literal, warn_dangling=False) for quantity in QUANTITIES}
    initial_data: dict[str, Any] = {"summaries": {}, "references": {}}
    data_version = 1

    @property
    def summaries(self) -> dict[str, dict]:
        return self.data["summaries"]

    def role(self, name: str):
        found = super().role(name)
        if found is not None or self.env.domains["std"].role(name) is not None:
            return found
        if name in docutils_roles._roles or name in docutils_roles._role_registry:
            return None  # ms is the default domain and this is a docutils role
        return _unknown_role

    def process_doc(self, env, docname: str, document: nodes.document) -> None:
        for pending in document.findall(pending_summary):
            options = pending["options"]
            if options.name and "lookup" in pending:
                record = pending["record"]
                self._add(nodes.fully_normalize_name(options.name), {
                    "docname": docname, "line": pending.line, "id": (pending[0]["ids"] or [""])[0],
                    "anchor": options.name, "lookup": pending["lookup"],
                    "shown": [record["layers"][i]["label"] for i in pending["rows"]],
                })
        names = {split_target(n["reftarget"])[0] for n in document.findall(addnodes.pending_xref)
                 if n.get("refdomain") == self.name}
        names |= {n["summary"] for n in document.findall(pending_quiz)}
        if names:
            self.data["references"][docname] = sorted(names)

    def clear_doc(self, docname: str) -> None:
        for name in [n for n, info in self.summaries.items() if info["docname"] == docname]:
            del self.summaries[name]
        self.data["references"].pop(docname, None)

    def _add(self, name: str, info: dict) -> None:
        """Remember a named summary; a name taken on another page is a warning naming both."""
        taken = self.summaries.get(name)
        place = (info["docname"], info.get("line") or 0)
        if taken is None or (taken["docname"], taken.get("line") or 0) == place:
            self.summaries[name] = info
            return
        # the first in page order is the one named, whatever order pages are read in (-j N)
        kept, dropped = sorted([taken, info], key=lambda i: (i["docname"], i.get("line") or 0))
        self.summaries[name] = kept
        first = f"{self.env.doc2path(kept['docname'])}:{kept.get('line') or '?'}"
        warn((dropped["docname"], dropped.get("line")), Problem.DUPLICATE,
             f"model-summary: another summary has :name: {name} ({first}); the roles and quizzes "
             "that name it quote that one: give each summary its own name")

    def merge_domaindata(self, docnames, otherdata: dict) -> None:
        for name, info in otherdata["summaries"].items():
            if info["docname"] in docnames:
                self._add(name, info)
        for docname in docnames:
            if docname in otherdata["references"]:
                self.data["references"][docname] = otherdata["references"][docname]

    def record(self, name: str, node: nodes.Node, what: str) -> tuple[dict, dict] | None:
        """The summary named ``name`` and its record, or ``None`` after a located warning."""
        info = self.summaries.get(name)
        if info is None:
            warn(node, Problem.UNKNOWN_SUMMARY, references.unknown_summary(what, name, self.summaries))
            return None
        spec, input_shape, base_dir = info["lookup"]
        config = self.env.config
        entry = lookup(spec, input_shape, base_dir, self.env.srcdir, cache_for(config, self.env.srcdir),
                       config.modelsummary_mode)
        if entry.error is not None:
            warn(node, entry.error.problem, f"{what}: {entry.error.message}", entry.error.hint)
            return None
        return info, entry.record

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        what = f":{self.name}:{typ}:`{target}`"
        name, layer = split_target(target)
        found = self.record(name, node, what)
        if found is None:
            return contnode
        info, record = found
        resolved = references.resolve(record, typ, name, layer, what, self.name)
        if resolved.problem is not None:
            warn(node, *resolved.problem)
            return contnode
        from ..present.doctree import math_node  # not at start-up: only a page that quotes a number needs it

        quoted, row = resolved.quoted, resolved.row
        content = (nodes.inline("", quoted.text, classes=["modelsummary-ref"]) if quoted.item is None
                   else math_node(quoted.latex, quoted.text))
        if row is None:
            return make_refnode(builder, fromdocname, info["docname"], info["id"], content, f"{name}: total")
        anchor = references.row_anchor(info["anchor"], row["label"]) if row["label"] in info["shown"] else info["id"]
        return make_refnode(builder, fromdocname, info["docname"], anchor, content, f"{name}: {row['label']}")

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        return []


def _unknown_role(typ, rawtext, text, lineno, inliner, options=None, content=()):
    literal = nodes.literal(rawtext, text)
    literal.source, literal.line = inliner.reporter.get_source_and_line(lineno)
    warn(literal, Problem.UNKNOWN_QUANTITY, references.unknown_role(typ))
    return [literal], []


def outdated_references(app, env, added, changed, removed) -> list[str]:
    """Pages that quote a summary on a page about to be read again (its model changed, say),
    or a summary that is nowhere: read them again too, so no number stays behind."""
    domain = env.domains[ModelSummaryDomain.name]
    touched = set(added) | set(changed) | set(removed)
    if not touched:
        return []
    moving = {name for name, info in domain.summaries.items() if info["docname"] in touched}
    return [docname for docname, names in domain.data["references"].items()
            if docname not in touched and any(n in moving or n not in domain.summaries for n in names)]
