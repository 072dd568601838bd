"""The frameworks a spec's model may need: Keras, imported with its start-up chatter kept
out of the caller's output, and told apart from PyTorch, which needs no Keras."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import sys
import tempfile

from ..problems import ModelSpecError, Problem


def import_keras():
    """Import Keras and start its backend with the start-up chatter kept out of the caller's output."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with tempfile.TemporaryFile(mode="w+") as captured, _stderr_to(captured), contextlib.redirect_stderr(captured):
        try:
            import keras

            keras.ops.zeros(())  # a backend starts on its first tensor, and some log then (JAX: no 'tpu')
            _lazy_tensorflow(keras)
        except Exception as error:
            captured.seek(0)
            raise ModelSpecError(
                Problem.FRAMEWORK,
                f"cannot import Keras ({type(error).__name__}: {error}); install it with "
                "pip install 'sphinx-modelsummary[tensorflow]'",
            ) from None
    return keras


def optional_keras(spec):
    """Keras, or ``None`` when it cannot be imported and the spec may name a PyTorch module
    (which needs no Keras); a ``.keras`` file needs Keras, and says so."""
    try:
        return import_keras()
    except ModelSpecError as error:
        if spec.path:
            raise
        MISSING_KERAS.append(error)
        return None


MISSING_KERAS: list[ModelSpecError] = []  # why Keras could not be imported, for a model that needs it


def keras_or_none():
    """Keras if it is imported and importable; ``None`` when a PyTorch model goes without it."""
    return sys.modules.get("keras") if not MISSING_KERAS else None


def missing_framework(error: ImportError) -> None:
    """The model's module needs a framework that is not here: a framework error (a build
    without it shows a cached summary, stale or not), not a wrong spec."""
    root = (error.name or "").split(".")[0]
    said = set(re.findall(r"\b(keras|tensorflow|torch)\b", str(error))) if not root else {root}
    if said & {"keras", "tensorflow"} and MISSING_KERAS:
        raise MISSING_KERAS[-1]
    if "torch" in said:
        raise ModelSpecError(Problem.FRAMEWORK, "cannot import torch, which the model's module imports; install "
                             "PyTorch (on Linux its CPU build: pip install torch --index-url "
                             "https://download.pytorch.org/whl/cpu)")


def is_torch_module(obj) -> bool:
    from .torch_adapter import is_torch_module

    return is_torch_module(obj)


def _lazy_tensorflow(keras) -> None:
    """On another backend, Keras imports TensorFlow when it first serialises a config, if it
    is installed (and TensorFlow logs as it starts): that import is made here, muffled."""
    if keras.backend.backend() != "tensorflow" and importlib.util.find_spec("tensorflow") is not None:
        from keras.src.utils import module_utils

        lazy = getattr(module_utils, "tensorflow", None)
        with contextlib.suppress(ImportError):  # a broken TensorFlow: Keras finds it unavailable too
            if lazy is not None:
                lazy.initialize()  # what its `available` would do at the first config


@contextlib.contextmanager
def _stderr_to(file):
    """Send file descriptor 2 (where TensorFlow's C++ logs go) to ``file`` for a while."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    os.dup2(file.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
