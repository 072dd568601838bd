"""The framework is imported only when a model is summarised."""

import subprocess
import sys

CHECK = """
import sys
import {module}
heavy = sorted(m for m in ("tensorflow", "keras", "sphinx", "torch", "jax") if m in sys.modules)
print(",".join(heavy))
"""


def imported_by(module):
    out = subprocess.run([sys.executable, "-c", CHECK.format(module=module)], capture_output=True, text=True,
                         check=True, timeout=120)
    return out.stdout.strip()


def test_package_imports_neither_sphinx_nor_keras():
    assert imported_by("sphinx_modelsummary") == ""


def test_core_imports_no_sphinx_and_no_framework():
    for module in ("sphinx_modelsummary.summary", "sphinx_modelsummary.spec", "sphinx_modelsummary.render",
                   "sphinx_modelsummary.cli", "sphinx_modelsummary.catalog", "sphinx_modelsummary.lookup",
                   "sphinx_modelsummary.options", "sphinx_modelsummary.hints", "sphinx_modelsummary.myst_ast",
                   "sphinx_modelsummary.mystmd", "sphinx_modelsummary.walk", "sphinx_modelsummary.composite", "sphinx_modelsummary.reasoning",
                   "sphinx_modelsummary.typeset", "sphinx_modelsummary.text_table"):
        assert imported_by(module) == "", module


def test_registering_the_extension_imports_no_framework():
    code = CHECK.format(module="sphinx_modelsummary.sphinx_ext")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert "tensorflow" not in out.stdout and "keras" not in out.stdout
