"""The ``model-diagram`` directive and ``model-summary``'s ``:diagram:``: a figure drawn
from the summary record when the page is written, in the builder's form: inline SVG for
HTML and EPUB (each box a link to its row when a named summary of the model is on the
page), a ``picture`` for LaTeX, the diagram in words for text, man and Texinfo.

The record comes as the table's does (:func:`.directive.lookup_call` and
:func:`~sphinx_modelsummary.lookup.lookup`: the same spec, ``:input-shape:``, cache and
warnings)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..present.references import anchor_id, normalize_name, row_anchor
from ..problems import Problem
from ..settings import DIAGRAM_SETTINGS, record_problems, resolve_diagram_options
from .directive import SpecDirective, _AnyOption, lookup_call
from .nodes import pending_summary
from .transforms import output_format
from .warn import warn

NAME = "model-diagram"


class pending_diagram(nodes.General, nodes.Element):
    """A diagram drawn when the page is written: ``record``, ``rows`` (indices of the rows
    drawn), ``view``, ``lookup`` (spec, input shape, folder: to find the page's summary of
    the same model) and ``summary`` (the :name: of the summary to link to, if given)."""


def diagram_figure(record: dict, rows: list[dict], view: str, call: tuple, summary: str = "",
                   classes=()) -> nodes.figure:
    index = {id(row): i for i, row in enumerate(record["layers"])}
    figure = nodes.figure(classes=["modelsummary-diagram", *classes])
    figure += pending_diagram(record=record, rows=[index[id(r)] for r in rows], view=view,
                              lookup=tuple(call), summary=summary)
    return figure


class ModelDiagram(SpecDirective):
    """``.. model-diagram:: package.module:factory`` (or ``path/to/model.keras``)."""

    option_spec = _AnyOption({setting.option: directives.unchanged for setting in DIAGRAM_SETTINGS})

    def run(self) -> list[nodes.Node]:
        if self.content:
            return self._no_content()
        try:
            options = resolve_diagram_options(self.options)
            shape = {"input-shape": options.input_shape} if options.input_shape else {}
            _, call = lookup_call(self.config, self.env, self.env.docname, self.arguments[0], shape)
        except ValueError as error:
            return self._fail(Problem.OPTION, str(error))
        record = self._record(call)
        if record is None:
            return []
        from ..present.diagram_layout import diagram_rows  # not at start-up: only a page with a diagram needs it

        try:
            rows = diagram_rows(record, options.layers)
        except ValueError as error:
            return self._fail(Problem.OPTION, f":layers: {error}")
        for problem in record_problems(record, options):
            if problem.problem == Problem.EXPECT:  # a formula's mismatch is the table's to report
                self._warn(*problem)
        figure = diagram_figure(record, rows, options.view, call[:3], options.summary, options.classes)
        messages: list[nodes.Node] = []
        if options.caption:
            inline, messages = self.state.inline_text(options.caption, self.lineno)
            figure += nodes.caption(options.caption, "", *inline)
        if options.name:
            self.options["name"] = options.name
            self.add_name(figure)
        self.set_source_info(figure)
        return [figure, *messages]


class DrawDiagrams(SphinxPostTransform):
    """A summary's ``:diagram:`` becomes a diagram under it; each diagram is drawn in the
    builder's form, linked to the rows of the page's summary of the same model."""

    default_priority = 45  # before the summaries become tables (RenderSummaries, 50)

    def run(self, **kwargs: Any) -> None:
        summaries = list(self.document.findall(pending_summary))
        if not summaries and next(self.document.findall(pending_diagram), None) is None:
            return
        by_name, by_call = {}, {}
        for pending in summaries:
            options = pending["options"]
            shown = [pending["record"]["layers"][i]["label"] for i in pending["rows"]]
            if options.name:
                named = (options.name, set(shown))
                by_name.setdefault(normalize_name(options.name), named)
                by_call.setdefault(tuple(pending["lookup"]), named)
            if getattr(options, "diagram", False):
                record = pending["record"]
                rows = [r for r in (record["layers"][i] for i in pending["rows"]) if r["depth"] == 0]
                figure = diagram_figure(record, rows, "auto", pending["lookup"], normalize_name(options.name))
                figure.source, figure.line = pending.source, pending.line
                pending.parent.insert(pending.parent.index(pending) + 1, figure)
        builder_format = output_format(self)
        docname = self.env.docname
        for number, node in enumerate(list(self.document.findall(pending_diagram))):
            named = by_name.get(node["summary"]) if node["summary"] else by_call.get(tuple(node["lookup"]))
            if node["summary"] and named is None:
                warn(node.parent, Problem.UNKNOWN_SUMMARY, f"{NAME}: :summary: {node['summary']} names no "
                     "model-summary on this page; the boxes link to no rows")
            links = {label: row_anchor(named[0], label) for label in named[1]} if named else {}
            try:
                drawn = draw(node, builder_format, links, anchor_id(f"{docname}-diagram-{number + 1}"))
            except Exception as error:  # a bug here must not stop the build: the page goes on without it
                warn(node.parent, Problem.INTERNAL, f"{NAME}: the diagram could not be drawn ({type(error).__name__}: "
                     f"{error}); please report this to sphinx-modelsummary")
                node.parent.remove(node)
                continue
            node.replace_self(drawn)


def draw(node: pending_diagram, builder_format: str, links: dict[str, str], ident: str) -> nodes.Element:
    from ..present import diagram_tex, diagram_text, svg
    from ..present.diagram_layout import layout

    record = node["record"]
    diagram = layout(record, [record["layers"][i] for i in node["rows"]], node["view"])
    if builder_format == "html":
        title = node.parent.next_node(nodes.caption).astext() if node.parent.next_node(nodes.caption) else ""
        return nodes.raw("", svg.render(diagram, links, ident, title), format="html")
    if builder_format == "latex":
        return nodes.raw("", diagram_tex.render(diagram), format="latex")
    return nodes.literal_block("", diagram_text.render(diagram), classes=["modelsummary-diagram-text"])
