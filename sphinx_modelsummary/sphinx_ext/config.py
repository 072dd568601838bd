"""The options as Sphinx sees them: :mod:`sphinx_modelsummary.settings`, and a bad
``modelsummary_*`` value in ``conf.py`` reported as a warning."""

from __future__ import annotations

from ..problems import Problem
from ..problems import config_file, sphinx_tool
from .warn import warn
from ..settings import SETTINGS, Setting, config_defaults as _defaults, resolve_options

__all__ = ["SETTINGS", "check_config", "config_defaults", "resolve_options"]


def config_defaults(config, warn: bool = False) -> dict:
    """The validated ``modelsummary_*`` values (a bad one falls back to its default)."""
    return _defaults(config, _warn_config if warn else None)


def _warn_config(setting: Setting, value, error: ValueError) -> None:
    warn(None, Problem.OPTION, f"{config_file(sphinx_tool())}: {setting.config} = {value!r}: {error}; "
                               f"using the default, {setting.default!r}")


def check_config(config) -> None:
    """Warn about each bad ``modelsummary_*`` value (any type: ``5``, ``True``, ``{"layer"}``,
    ``"no"`` from ``-D``) and put its default in its place; a good one is stored read, so
    Sphinx's own type check finds nothing to say."""
    for setting in SETTINGS:
        if setting.config is None:
            continue
        raw = getattr(config, setting.config)
        try:
            value = setting.parse(raw)
        except ValueError as error:
            _warn_config(setting, raw, error)
            value = setting.default
        setattr(config, setting.config, value)
