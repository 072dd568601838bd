"""What the tests need to run on every Sphinx that pyproject.toml admits, 7.0.1 included.

Before 7.2, ``SphinxTestApp`` takes ``sphinx.testing``'s own path class, an app keeps
its directories as strings and has no ``warning`` attribute. Before 8.0, a warning does
not end with its ``[type.subtype]`` (7.3 and 7.4 add it with ``show_warning_types = True``),
which is how the tests check a warning's subtype.
"""

import re
from io import StringIO
from pathlib import Path

import sphinx
from sphinx.testing.util import SphinxTestApp


def sphinx_dir(path: Path):
    """``path`` as ``SphinxTestApp`` takes it."""
    if sphinx.version_info >= (7, 2):
        return path
    from sphinx.testing.path import path as sphinx_path

    return sphinx_path(str(path))


def new_app(builder: str, srcdir: Path, builddir: Path, **kwargs) -> SphinxTestApp:
    """A quiet ``SphinxTestApp``, not built yet (to connect to its events first)."""
    return SphinxTestApp(builder, srcdir=sphinx_dir(srcdir), builddir=sphinx_dir(builddir),
                         status=StringIO(), warning=StringIO(), **kwargs)


def build(srcdir: Path, builder: str, builddir: Path, **kwargs) -> SphinxTestApp:
    """A fresh build of ``srcdir``; the app's ``outdir`` is a ``Path`` on every Sphinx."""
    app = new_app(builder, srcdir, builddir, freshenv=True, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()  # puts sys.path back as it was
    app.outdir = Path(app.outdir)  # a str before Sphinx 7.2
    return app


def warnings(app: SphinxTestApp) -> str:
    """The warnings of a build, without colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", app._warning.getvalue())  # app.warning: Sphinx 7.2 and later


def print_warning_types() -> None:
    """Before Sphinx 8, end each warning with its type and subtype, as Sphinx 8 does."""
    if sphinx.version_info >= (8,):
        return
    from sphinx.util import logging

    translate = logging.WarningLogRecordTranslator.filter

    def translate_and_add_type(self, record) -> bool:
        keep = translate(self, record)
        if getattr(record, "type", ""):
            subtype = getattr(record, "subtype", "")
            record.msg += f" [{record.type}.{subtype}]" if subtype else f" [{record.type}]"
        return keep

    logging.WarningLogRecordTranslator.filter = translate_and_add_type
