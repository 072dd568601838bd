"""Post-transforms: a :class:`pending_summary` becomes its table when the page is
written, and some builders get what they need on their copy of the doctree."""

from __future__ import annotations

import textwrap
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..docutils_render import TEXT_ATTRIBUTE, render

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

