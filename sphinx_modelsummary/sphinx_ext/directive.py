"""The ``model-summary`` directive: it finds the record, reports every problem as a
located warning (``type="modelsummary"``, a :class:`~sphinx_modelsummary.problems.Problem`
subtype) and leaves a :class:`~.transforms.pending_summary` for the writer."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..present.view import select_rows
from ..problems import Hint, Problem
from ..lookup import lookup
from ..settings import record_problems
from .config import OPTIONS, resolve_options
from .nodes import pending_summary
from .warn import warn

if TYPE_CHECKING:
    from ..cache import SummaryCache

logger = logging.getLogger(__name__)


class _AnyOption(dict):
    """Every option name is accepted (as text), so that run() reports an unknown one as
    a located ``modelsummary.option`` warning in rST and MyST alike."""

    def __missing__(self, name: str):
        return directives.unchanged

    def __contains__(self, name: object) -> bool:
        return True


class SpecDirective(SphinxDirective):
    """A directive on a model's spec (``model-summary``, ``model-diagram``): its problems are
    located warnings that name the directive and the spec."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True  # ``module:factory(1, size=2)``
    has_content = True  # only to report a body as the same warning in rST and MyST

    def _no_content(self) -> list[nodes.Node]:
        return self._fail(Problem.OPTION, f"the directive takes no content: give the spec after "
                          f"'{self.name}::' and the options as ':name: value' lines right below it")

    def _record(self, call: tuple) -> dict | None:
        """The record ``lookup(*call)`` finds, or ``None`` after a warning; an edit to the
        model's code (or a fix) reads this page again."""
        entry = lookup(*call)
        for path in entry.stamps:
            self.env.note_dependency(path)
        if entry.error is not None:
            self._warn(*entry.error, entry.error.hint)
            return None
        if entry.warning is not None:
            self._warn(*entry.warning, entry.warning.hint)
        return entry.record

    def _warn(self, problem: Problem, message: str, hint: Hint | None = None) -> None:
        spec = self.arguments[0].strip()
        message = f"{self.name}: {message}" if spec in message else f"{self.name} {spec}: {message}"
        warn(self.get_location() or (self.env.docname, self.lineno), problem, message, hint)

    def _fail(self, problem: Problem, message: str, hint: Hint | None = None) -> list[nodes.Node]:
        self._warn(problem, message, hint)
        return []


class ModelSummary(SpecDirective):
    """``.. model-summary:: package.module:factory`` (or ``path/to/model.keras``)."""

    # Every value is checked in run(), so a bad one is a modelsummary.option warning.
    option_spec = _AnyOption({setting.option: directives.unchanged for setting in OPTIONS})

    def run(self) -> list[nodes.Node]:
        if self.content:
            return self._no_content()
        try:
            options, call = lookup_call(self.config, self.env, self.env.docname, self.arguments[0], self.options)
        except ValueError as error:
            return self._fail(Problem.OPTION, str(error))
        record = self._record(call)
        if record is None:
            return []
        try:
            rows = select_rows(record, options)
        except ValueError as error:
            return self._fail(Problem.OPTION, f":layers: {error}")

        for problem in record_problems(record, options):
            self._warn(*problem)

        index = {id(row): i for i, row in enumerate(record["layers"])}
        pending = pending_summary(record=record, options=options, rows=[index[id(r)] for r in rows],
                                  lookup=call[:3])  # spec, input shape, folder: for the ms roles
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


def cache_for(config, srcdir) -> SummaryCache | None:
    from ..cache import SummaryCache  # not at start-up: a build with no summary reads no cache

    folder = config.modelsummary_cache_dir
    return SummaryCache(Path(srcdir, folder), srcdir) if folder else None


def lookup_call(config, env, docname: str, spec: str, options: dict):
    """``(options, arguments of lookup())`` for a summary on ``docname``; a bad option is a
    ValueError. A ``.keras`` path is relative to the document, or to the source directory
    when it starts with ``/``; it is passed on as a file name in its (resolved) folder."""
    resolved = resolve_options(config, options)
    spec, srcdir = spec.strip(), Path(env.srcdir)
    base_dir = str(srcdir)
    if spec.endswith(".keras"):
        path = srcdir / spec.lstrip("/") if spec.startswith("/") else Path(env.doc2path(docname)).parent / spec
        path = Path(os.path.normpath(path.absolute()))
        spec, base_dir = path.name, str(path.parent)
    call = (spec, resolved.input_shape or None, base_dir, env.srcdir, cache_for(config, srcdir),
            config.modelsummary_mode)
    return resolved, call


# Reading ahead: the summaries a page's source shows, found as docutils and MyST would find
# them (close enough: one missed is looked up when the page is read).
_RST = re.compile(r"^(?P<indent>[ \t]*)\.\. model-(?:summary|diagram)::(?P<argument>.*)$")
_MYST = re.compile(r"^[ \t]*(?P<fence>`{3,}|:{3,})[ \t]*\{model-(?:summary|diagram)\}(?P<argument>.*)$")
_OPTION = re.compile(r"^:(?P<name>[\w-]+):(?:[ \t]+(?P<value>.*))?$")
_YAML_OPTION = re.compile(r"^(?P<name>[\w-]+):[ \t]*(?P<value>.*)$")


def find_summaries(text: str) -> list[tuple[str, dict]]:
    """``(spec, options)`` of each ``model-summary`` and ``model-diagram`` with no content
    in rST or MyST source."""
    lines, found = text.splitlines(), []
    for number, line in enumerate(lines):
        if match := _RST.match(line):
            indent, block = len(match["indent"]), []
            for later in lines[number + 1:]:
                if later.strip() and len(later) - len(later.lstrip()) <= indent:
                    break
                block.append(later.strip())
            while block and not block[-1]:
                block.pop()
            arguments = [match["argument"].strip()]
            while block and block[0] and not _OPTION.match(block[0]):
                arguments.append(block.pop(0))
            options = [_OPTION.match(b) for b in block]
            if all(options):
                found.append(("\n".join(a for a in arguments if a), {o["name"]: o["value"] for o in options}))
        elif match := _MYST.match(line):
            block = []
            for later in lines[number + 1:]:
                if later.strip().startswith(match["fence"]) and not later.strip().strip(match["fence"][0]):
                    break
                block.append(later.strip())
            if block[:1] == ["---"] and "---" in block[1:]:
                end = block.index("---", 1)
                options, block = [_YAML_OPTION.match(b) for b in block[1:end]], block[end + 1:]
            else:
                options = []
                while block and _OPTION.match(block[0]):
                    options.append(_OPTION.match(block.pop(0)))
            if all(options) and not any(block):
                found.append((match["argument"].strip(), {o["name"]: o["value"] for o in options}))
    return found
