"""The Sphinx front-end: the ``model-summary`` directive (:mod:`.directive`), its options
and ``modelsummary_*`` defaults (:mod:`.options`), the writer's transforms
(:mod:`.transforms`) and the stylesheet. Registering it imports neither Keras nor
TensorFlow; the directive and the configuration are documented in ``docs/directive.rst``
and ``docs/caching.rst``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.util import logging

from .. import __version__
from ..cache import package_digest
from ..errors import Problem
from ..hints import config_file, sphinx_tool
from ..lookup import MODES
from .directive import ModelSummary
from .options import SETTINGS, config_defaults
from .quiz import register as register_teaching
from .transforms import RenderSummaries, TypesetFormulas, pending_summary

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent.parent / "static"
CSS_FILE = "modelsummary.css"
JS_FILE = "modelsummary.js"


def _config_inited(app, config) -> None:
    if config.modelsummary_mode not in MODES:
        logger.warning("%s: modelsummary_mode = %r: expected one of %s; using 'auto'", config_file(sphinx_tool()),
                       config.modelsummary_mode, ", ".join(MODES), type="modelsummary", subtype=Problem.OPTION.value)
        config.modelsummary_mode = "auto"
    config_defaults(config, warn=True)
    for setting in SETTINGS:  # a bad value was reported; its default stands in from here on
        if setting.config is not None:
            try:
                setting.parse(getattr(config, setting.config))
            except ValueError:
                setattr(config, setting.config, setting.default)
    static = str(STATIC_DIR)
    if static not in [str(p) for p in config.html_static_path]:
        # first, so a project's own static modelsummary.css wins
        config.html_static_path = [static, *config.html_static_path]


SUMMARY_DIRECTIVE = re.compile(r"(?:\.\. model-summary::|[`:]{3,}\s*\{model-summary\})[ \t]*(\S*)")


def _summaries_first(app, env, docnames: list[str]) -> None:
    """In a parallel build, read the pages with summaries first, the same spec together:
    each worker process imports the framework, so the fewer that need it the better."""
    if app.parallel <= 1:
        return

    def first_spec(docname: str) -> tuple[int, str]:
        try:
            found = SUMMARY_DIRECTIVE.search(Path(env.doc2path(docname)).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            found = None
        return (0, found.group(1)) if found else (1, "")

    docnames.sort(key=first_spec)



def setup(app) -> dict[str, Any]:
    app.add_config_value("modelsummary_cache_dir", "_modelsummary_cache", "env", types=(str,))
    app.add_config_value("modelsummary_mode", "auto", "env", types=(str,))
    for setting in SETTINGS:
        if setting.config is not None:
            app.add_config_value(setting.config, setting.default, "env", types=setting.types)
    app.add_directive("model-summary", ModelSummary)
    register_teaching(app)  # model-quiz and the ms roles
    app.add_node(pending_summary)
    app.add_post_transform(RenderSummaries)
    app.add_post_transform(TypesetFormulas)
    app.connect("env-before-read-docs", _summaries_first)
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")
    app.connect("config-inited", _config_inited)
    return {
        "version": __version__,
        # the doctrees hold summary records, the pages their rendering: new code, new pages
        "env_version": int(package_digest()[:8], 16),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
