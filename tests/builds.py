"""Sphinx builds for the tests: ``sphinx-build`` in a fresh process (forking one that has
run TensorFlow can hang; a fresh one shows what a build imports), and reading what a
build wrote: doctrees, HTML files, warnings at a line."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).resolve().parent / "roots"
REPO = Path(__file__).resolve().parents[1]

# Runs sphinx-build in this process, optionally with the framework made unimportable, and
# reports which heavy modules were imported.
RUNNER = """
import json, sys
block = sys.argv[1] == "block"
if block:
    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tensorflow", "keras", "jax", "torch"):
                raise ImportError(f"{name} is blocked for this build")
    sys.meta_path.insert(0, Blocker())
from old_sphinx import print_warning_types
print_warning_types()
from sphinx.cmd.build import build_main
status = build_main(sys.argv[2:])
print(json.dumps({"status": status, "imported": sorted(m for m in ("tensorflow", "keras") if m in sys.modules)}))
"""


def sphinx_build(srcdir, outdir, *options, block=False) -> tuple[int, list[str], str]:
    """An html build in a fresh process, the framework unimportable if ``block``:
    ``(status, the frameworks it imported, stderr)``."""
    args = [sys.executable, "-c", RUNNER, "block" if block else "-", "-q", "-b", "html", "-d",
            str(Path(outdir) / ".doctrees"), *options, str(srcdir), str(outdir)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests")])
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["status"], report["imported"], done.stderr


def sphinx_build_command(src: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m sphinx -b html -E -q ARGS SRC OUT`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", *args, str(src), str(out)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def html_files(outdir: Path) -> dict[str, str]:
    """Every HTML file a build wrote, by its path relative to ``outdir``."""
    return {str(p.relative_to(outdir)): p.read_text() for p in sorted(outdir.rglob("*.html"))}


def written(app: SphinxTestApp, docname: str):
    """The doctree as the builder writes it (summaries are rendered by a post-transform)."""
    resolve = app.env.get_and_resolve_doctree
    tags = {"tags": app.tags} if "tags" in inspect.signature(resolve).parameters else {}  # Sphinx >= 8.1
    return resolve(docname, app.builder, **tags)


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``text``."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return hits[occurrence - 1]


def warnings_at(warnings: str, path: Path, line: int) -> list[str]:
    """The warnings located at ``path:line``."""
    return [w for w in warnings.splitlines() if w.startswith(f"{path}:{line}: WARNING:")]
