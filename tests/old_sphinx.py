"""What the tests need to run on every Sphinx that pyproject.toml admits, 7.0.1 included.

Before 7.2, ``SphinxTestApp`` takes ``sphinx.testing``'s own path class and an app keeps
its directories as strings. Before 8.0, a warning does not end with its
``[type.subtype]`` (7.3 and 7.4 add it with ``show_warning_types = True``), which is
how the tests check a warning's subtype.
"""

from pathlib import Path

import sphinx


def sphinx_dir(path: Path):
    """``path`` as ``SphinxTestApp`` takes it."""
    if sphinx.version_info >= (7, 2):
        return path
    from sphinx.testing.path import path as sphinx_path

    return sphinx_path(str(path))


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
