"""The settings as Sphinx sees them: :mod:`sphinx_modelsummary.settings`, every
``modelsummary_*`` value checked when the build starts, a bad one reported as a warning."""

from __future__ import annotations

from ..problems import Problem, config_file, sphinx_tool
from ..settings import OPTIONS, SETTINGS, Setting, config_defaults as _defaults, resolve_options
from .warn import warn

__all__ = ["OPTIONS", "SETTINGS", "check_config", "config_defaults", "resolve_options"]


def config_defaults(config, warn: bool = False) -> dict:
    """The validated ``modelsummary_*`` defaults of the options (a bad one falls back to its default)."""
    return _defaults(config, _warn_config if warn else None)


def _warn_config(setting: Setting, value, error: ValueError) -> None:
    warn(None, Problem.OPTION, f"{config_file(sphinx_tool())}: {setting.config} = {value!r}: {error}; "
                               f"using the default, {setting.default!r}")


def check_config(config) -> None:
    """Warn about each bad ``modelsummary_*`` value (any type: ``5``, ``True``, ``{"layer"}``,
    ``"no"`` from ``-D``, a mode that is no mode) and put its default in its place; a good
    one is stored read, so Sphinx's own type check finds nothing to say."""
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
