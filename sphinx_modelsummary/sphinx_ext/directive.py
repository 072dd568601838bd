"""The ``model-summary`` directive: it finds the record, reports every problem as a
located warning (``type="modelsummary"``, a :class:`~sphinx_modelsummary.errors.Problem`
subtype) and leaves a :class:`~.transforms.pending_summary` for the writer."""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..cache import SummaryCache
from ..format import select_rows
from ..errors import Problem
from ..hints import sphinx_tool, with_hint
from ..lookup import lookup
from ..options import record_problems
from .options import SETTINGS, resolve_options
from .transforms import pending_summary

logger = logging.getLogger(__name__)

class ModelSummary(SphinxDirective):
    """``.. model-summary:: package.module:factory`` (or ``path/to/model.keras``)."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True  # ``module:factory(1, size=2)``
    has_content = False
    # Every value is checked in run(), so a bad one is a modelsummary.option warning.
    option_spec = {setting.option: directives.unchanged for setting in SETTINGS}

    def run(self) -> list[nodes.Node]:
        spec = self.arguments[0].strip()
        try:
            options = resolve_options(self.config, self.options)
        except ValueError as error:
            return self._fail(Problem.OPTION.value, str(error))
        spec_text, base_dir = self._locate(spec)
        entry = lookup(spec_text, options.input_shape or None, base_dir, self.env.srcdir,
                       cache_for(self.config, self.env.srcdir), self.config.modelsummary_mode)
        for path in entry.stamps:  # an edit to the model's code (or a fix) re-reads this page
            self.env.note_dependency(path)
        if entry.error is not None:
            return self._fail(*entry.error)
        if entry.warning is not None:
            self._warn(*entry.warning)
        record = entry.record
        try:
            rows = select_rows(record, options)
        except ValueError as error:
            return self._fail(Problem.OPTION.value, f":layers: {error}")

        for problem in record_problems(record, options):
            self._warn(*problem)

        index = {id(row): i for i, row in enumerate(record["layers"])}
        pending = pending_summary(record=record, options=options, rows=[index[id(r)] for r in rows],
                                  lookup=(spec_text, options.input_shape or None, base_dir))  # for the ms roles
        stub = nodes.table(classes=["modelsummary"])  # carries the caption and ids until then
        pending += stub
        messages: list[nodes.Node] = []
        if options.caption:  # inline markup in the caption, as in a figure's
            inline, messages = self.state.inline_text(options.caption, self.lineno)
            stub += nodes.title(options.caption, "", *inline)
        if options.name:
            self.options["name"] = options.name
            self.add_name(stub)
        for node in (pending, stub):
            self.set_source_info(node)
        return [pending, *messages]

    def _locate(self, spec: str) -> tuple[str, str]:
        """A ``.keras`` path is relative to the document, or to the source directory when it
        starts with ``/``; it is passed on as a file name in its (resolved) folder."""
        srcdir = Path(self.env.srcdir)
        if not spec.endswith(".keras"):
            return spec, str(srcdir)
        if spec.startswith("/"):
            path = srcdir / spec.lstrip("/")
        else:
            path = Path(self.env.doc2path(self.env.docname)).parent / spec
        path = Path(os.path.normpath(path.absolute()))
        return path.name, str(path.parent)

    def _warn(self, subtype: str, message: str) -> None:
        spec = self.arguments[0].strip()
        message = with_hint(sphinx_tool(), subtype, message)
        message = f"model-summary: {message}" if spec in message else f"model-summary {spec}: {message}"
        location = self.get_location() or (self.env.docname, self.lineno)
        logger.warning(message, location=location, type="modelsummary", subtype=subtype)

    def _fail(self, subtype: str, message: str) -> list[nodes.Node]:
        self._warn(subtype, message)
        return []


# Plain-text formulas, the stylesheet, set-up -----------------------------------------------



def cache_for(config, srcdir) -> SummaryCache | None:
    folder = config.modelsummary_cache_dir
    return SummaryCache(Path(srcdir, folder), srcdir) if folder else None
