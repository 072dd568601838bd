"""The mystmd plugin's entry file run as mystmd runs it, in this process or a new one, and
the example book to run it in: shared by the plugin's tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from front_ends import run_plugin
from mystmd_tool import REPO, plugin_env

BOOK = REPO / "examples" / "jupyter-book-2"


def example_book(tmp_path: Path) -> Path:
    """A copy of the example book (its ``mymodels.py`` is the seed's CNN)."""
    project = tmp_path / "book"
    shutil.copytree(BOOK, project, ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__"))
    return project


# Runs the plugin's entry file in this process, optionally with the framework made
# unimportable, and reports on stderr which framework modules were imported.
RUNNER = """
import json, runpy, sys
if sys.argv[1] == "block":
    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tensorflow", "keras", "jax", "torch"):
                raise ImportError(f"{name} is blocked here")
    sys.meta_path.insert(0, Blocker())
entry = sys.argv[2]
sys.argv = [entry, *sys.argv[3:]]
try:
    runpy.run_path(entry, run_name="__main__")
except SystemExit as exit:
    status = exit.code
print("IMPORTED " + json.dumps({"status": status,
      "imported": sorted(m for m in ("keras", "tensorflow") if m in sys.modules)}), file=sys.stderr)
"""


def plugin(project: Path, request: dict | None = None, *args: str, **env: str):
    """Run the project's entry file in this process; returns (status, nodes, stderr)."""
    if request is not None:
        args = ("--directive", "model-summary", *args)
    done = run_plugin(project / "modelsummary_plugin.py", *args, stdin=json.dumps(request) if request is not None else "",
                      **env)
    return done.returncode, json.loads(done.stdout), done.stderr


def plugin_process(project: Path, request: dict | None = None, *args: str, block: bool = False, **env: str):
    """Run the project's entry file in a new process, the framework unimportable if
    ``block``; returns (status, nodes, stderr, imported)."""
    command = [sys.executable, "-c", RUNNER, "block" if block else "-", str(project / "modelsummary_plugin.py")]
    if request is not None:
        args = ("--directive", "model-summary", *args)
    done = subprocess.run([*command, *args], input=json.dumps(request) if request is not None else "",
                          capture_output=True, text=True, cwd=project, env=plugin_env(**env), timeout=600)
    stderr, _, report = done.stderr.rpartition("IMPORTED ")
    report = json.loads(report)
    return report["status"], json.loads(done.stdout), stderr, report["imported"]


def request(spec: str, line: int = 3, **options: str) -> dict:
    """A directive as mystmd sends it (options are strings; a flag is ``""``)."""
    return {"name": "model-summary", "arg": spec, "options": options,
            "node": {"type": "mystDirective", "name": "model-summary", "args": spec,
                     "position": {"start": {"line": line, "column": 1}, "end": {"line": line + 2, "column": 1}}}}
