"""Keras's global state, kept apart for each model.

Keras keeps settings in globals: the dtype policy, the image data format, floatx,
epsilon, the unsafe-deserialization flag, layer-name counters and more. A factory that
changes one would change the models built after it, so a page's table would depend on
the pages read before it (and a parallel build would differ from a serial one).
:func:`keras_state` saves all of it before a model is loaded and puts it back once its
record is made. Settings a module chooses when it is imported are noted, and given to
every model from that module (as if it were the only one imported).
"""

from __future__ import annotations

import contextlib
import re

# Global settings (beyond the backend config's) that a module may choose at import.
CHOSEN_AT_IMPORT = ("dtype_policy", "flash_attention", "nnx_enabled")
# Keras's bookkeeping, not settings: kept as the model left it (an old list of variables
# to initialise would be initialised a second time).
BOOKKEEPING = ("uninitialized_variables",)
_CONFIG_NAME = re.compile(r"_[A-Z][A-Z_]*")


def _modules():
    from keras.src.backend import config
    from keras.src.backend.common import global_state

    return config, global_state


@contextlib.contextmanager
def keras_state():
    """Save Keras's global state, start layer names afresh, and restore it all on exit."""
    config, global_state = _modules()
    saved_config = {name: value for name, value in vars(config).items() if _CONFIG_NAME.fullmatch(name)}
    trackers = (global_state.GLOBAL_STATE_TRACKER, global_state.GLOBAL_SETTINGS_TRACKER)
    saved_trackers = [dict(vars(tracker)) for tracker in trackers]
    global_state.set_global_attribute("object_name_uids", None)
    try:
        yield
    finally:
        for name, value in saved_config.items():
            setattr(config, name, value)
        kept = {name: global_state.get_global_attribute(name) for name in BOOKKEEPING}
        # clear_session() replaces the trackers: put the old objects back, as they were
        global_state.GLOBAL_STATE_TRACKER, global_state.GLOBAL_SETTINGS_TRACKER = trackers
        for tracker, saved in zip(trackers, saved_trackers):
            vars(tracker).clear()
            vars(tracker).update(saved)
        for name, value in kept.items():
            global_state.set_global_attribute(name, value)


def settings() -> dict:
    """The settings a module may choose when imported, by name."""
    config, global_state = _modules()
    chosen = {name: value for name, value in vars(config).items() if _CONFIG_NAME.fullmatch(name)}
    chosen.update({name: global_state.get_global_attribute(name) for name in CHOSEN_AT_IMPORT})
    return chosen


def changed(before: dict, after: dict) -> dict:
    return {name: value for name, value in after.items() if before.get(name) is not value}


def apply(chosen: dict) -> None:
    config, global_state = _modules()
    for name, value in chosen.items():
        if name in CHOSEN_AT_IMPORT:
            global_state.set_global_attribute(name, value)
        else:
            setattr(config, name, value)


@contextlib.contextmanager
def global_attribute(name: str, value):
    """Keras's global ``name`` set to ``value`` for a while."""
    _, global_state = _modules()
    saved = global_state.get_global_attribute(name)
    global_state.set_global_attribute(name, value)
    try:
        yield
    finally:
        global_state.set_global_attribute(name, saved)


def safe_mode():
    """Keras's safe mode for loading a file, whatever ``enable_unsafe_deserialization()``
    said before (Keras's global flag overrides ``load_model(safe_mode=True)``)."""
    return global_attribute("safe_mode_saving", True)
