"""``.. modelsummary-settings::``: the table of every option and ``modelsummary_*`` value,
made from :data:`sphinx_modelsummary.settings.SETTINGS` when the docs are built, as
docutils nodes (so the docs cannot drift from the code)."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from sphinx_modelsummary.settings import DIAGRAM_SETTINGS, SETTINGS, Setting

HEADER = ("Option", "conf.py value", "Default", "What it does")
WIDTHS = (16, 26, 20, 38)


def default_text(setting: Setting) -> str:
    """The default as it is written in ``conf.py``; ``""`` for an option with no conf.py value."""
    return repr(setting.default) if setting.config is not None else ""


def row_texts(setting: Setting) -> tuple[str, str, str, str]:
    """The four cells of a setting's row, as text (``""`` for none)."""
    option = f":{setting.option}:" if setting.option else ""
    return option, setting.config or "", default_text(setting), setting.doc


def _cell(text: str, literal: bool) -> nodes.entry:
    entry = nodes.entry()
    if text:
        entry += nodes.paragraph("", "", nodes.literal(text, text) if literal else nodes.Text(text))
    return entry


def _row(texts, literal=(True, True, True, False)) -> nodes.row:
    row = nodes.row()
    for text, code in zip(texts, literal):
        row += _cell(text, code)
    return row


def settings_table(settings=SETTINGS) -> nodes.table:
    """A table with a row per setting: option, conf.py value, default, what it does."""
    group = nodes.tgroup(cols=len(HEADER))
    group.extend(nodes.colspec(colwidth=width) for width in WIDTHS)
    group += nodes.thead("", _row(HEADER, (False,) * 4))
    group += nodes.tbody("", *(_row(row_texts(setting)) for setting in settings))
    return nodes.table("", group, classes=["modelsummary-settings"])


class SettingsTable(Directive):
    """``.. modelsummary-settings::``; ``:directive: model-diagram`` for that directive's options."""

    has_content = False
    option_spec = {"directive": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        diagram = self.options.get("directive", "").strip() == "model-diagram"
        return [settings_table(DIAGRAM_SETTINGS if diagram else SETTINGS)]


def setup(app) -> dict:
    app.add_directive("modelsummary-settings", SettingsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
