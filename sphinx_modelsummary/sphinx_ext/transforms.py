"""Post-transforms: a :class:`pending_summary` becomes its table when the page is written,
in the form the builder reads best (:func:`~sphinx_modelsummary.present.doctree.render`'s
``mode``), and the LaTeX builder gets column widths and alignment."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..present.typeset import TEXT_ATTRIBUTE
from .nodes import pending_summary

# Builders whose output has no tables of their own worth the name get the text table.
TEXT_FORMATS = ("text", "man", "texinfo")


def render_mode(builder_format: str) -> str:
    if builder_format == "latex":
        return "latex"
    return "text" if builder_format in TEXT_FORMATS else "html"


class RenderSummaries(SphinxPostTransform):
    """Each :class:`pending_summary` becomes its table, notes, legend and steps."""

    default_priority = 50  # after references are resolved against the stub table

    def run(self, **kwargs: Any) -> None:
        summaries = list(self.document.findall(pending_summary))
        if not summaries:
            return
        from ..present.doctree import render  # imported by the first page with a summary, not at start-up

        mode = render_mode(output_format(self))
        for pending in summaries:
            record, stub = pending["record"], pending[0]
            result = render(record, pending["options"], [record["layers"][i] for i in pending["rows"]], mode)
            table = result[0].next_node(nodes.table)
            if table is None:  # the text table: the caption and ids go on its box
                result[0]["ids"], result[0]["names"] = stub["ids"], stub["names"]
                if len(stub):
                    result[0].insert(0, nodes.paragraph("", "", *stub[0].children, classes=["caption"]))
            else:
                table["ids"], table["names"] = stub["ids"], stub["names"]
                if len(stub):
                    table.next_node(nodes.title).replace_self(stub[0])
                if mode == "latex":
                    table.parent.insert(table.parent.index(table), addnodes.tabular_col_spec(spec=latex_columns(table)))
                    _align_latex_cells(table)
            for node in result[0].findall(nodes.Element):
                node.source, node.line = pending.source, pending.line
            pending.replace_self(result)


# How much wider than the text plan a LaTeX column is: names are in code type, whose
# letters are a quarter wider than the text's, and bold totals need room.
_LATEX_SCALE = {"layer": 1.25, "name": 1.25, "connected": 1.25}
_LATEX_EXTRA = {"numeric": 3}


class TypesetFormulas(SphinxPostTransform):
    """Formulas in running text (roles, quiz answers) in the builder's form, as the tables'."""

    default_priority = 60  # after roles are resolved and quizzes made

    def run(self, **kwargs: Any) -> None:
        if not any(TEXT_ATTRIBUTE in node for node in self.document.findall(nodes.math)):
            return  # no formula of a summary's on the page
        from ..present.doctree import typeset_maths

        builder_format = output_format(self)
        typeset_maths(self.document, render_mode(builder_format), text_writer=builder_format == "text")


def latex_columns(table: nodes.table) -> str:
    r"""The LaTeX column spec: each column's share of the line as the renderer planned it."""
    widths, aligns = [], []
    for colspec, head in zip(table.findall(nodes.colspec), table.next_node(nodes.thead).findall(nodes.entry)):
        key = "numeric" if "modelsummary-numeric" in head["classes"] else head["classes"][0][len("modelsummary-"):]
        widths.append(round(colspec["colwidth"] * _LATEX_SCALE.get(key, 1)) + _LATEX_EXTRA.get(key, 2))
        aligns.append(r">{\raggedleft\arraybackslash}" if key == "numeric" else "")
    return "".join(rf"{align}\X{{{width}}}{{{sum(widths)}}}" for align, width in zip(aligns, widths))


def _align_latex_cells(table: nodes.table) -> None:
    r"""Text ragged-right (no stretched gaps) and no word hyphenated. Sphinx 9 wraps each cell
    in a ``varwidth`` box, which resets the column's settings, so each paragraph says it;
    the column itself places the box (right for counts). Before Sphinx 9 the row's ``\\``
    comes after the last cell's paragraph: ``\arraybackslash`` keeps it ending the row."""
    for entry in table.findall(nodes.entry):
        for paragraph in entry.findall(nodes.paragraph):
            paragraph.insert(0, nodes.raw("", r"\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000 \arraybackslash ",
                                          format="latex"))


def output_format(transform: SphinxPostTransform) -> str:
    builder = getattr(transform.env, "_builder_cls", None) or transform.app.builder  # Sphinx < 8.1
    return builder.format

