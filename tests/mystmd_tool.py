"""mystmd for the tests and the benchmark: the ``myst`` command, installed on demand from
the npm registry into a cache folder, and the environment its plugin runs in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MYSTMD_DIR = Path(os.environ.get("MODELSUMMARY_MYSTMD_DIR", Path.home() / ".cache" / "sphinx-modelsummary" / "mystmd"))
MYSTMD_VERSION = "mystmd@1"


def find_myst() -> tuple[Path | None, str]:
    """``(path to myst, "")``, installing mystmd first if need be, or ``(None, why not)``
    when node or npm is missing or too old. A failed install raises."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "mystmd needs node and npm, which are not on PATH"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 18:
        return None, f"mystmd needs node 18 or later, not {version}"
    myst = MYSTMD_DIR / "node_modules" / ".bin" / "myst"
    if not myst.exists():
        MYSTMD_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(MYSTMD_DIR), "--no-audit", "--no-fund", MYSTMD_VERSION],
                       check=True, capture_output=True, timeout=600)
    return myst, ""


def plugin_env(**extra: str) -> dict[str, str]:
    """The environment for ``myst``: this Python first on PATH (the plugin's ``python3``)
    and this checkout first on its path."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MODELSUMMARY_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(extra)
    return env


def build_site(myst: Path, project: Path, env: dict[str, str] | None = None, timeout: float = 900, *options: str):
    """``myst build --site`` in ``project``: the pages' AST is written before the site
    template is fetched, so the command may fail (no internet) with every page built."""
    return subprocess.run([str(myst), "build", "--site", *options], cwd=project, env=env or plugin_env(),
                          capture_output=True, text=True, timeout=timeout)


def built_pages(project: Path) -> dict[str, dict]:
    """Each built page's MyST AST (``mdast``), by file name without ``.json``."""
    content = project / "_build" / "site" / "content"
    return {path.stem: json.loads(path.read_text())["mdast"] for path in sorted(content.glob("*.json"))}


def find_nodes(node, kind: str) -> list[dict]:
    """Every node of type ``kind`` under ``node``, in document order."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            found.append(node)
        for child in node.get("children", []):
            found += find_nodes(child, kind)
    elif isinstance(node, list):
        for child in node:
            found += find_nodes(child, kind)
    return found


def node_text(node) -> str:
    """The text of a node: its ``value`` and its children's (maths as its TeX)."""
    if isinstance(node, list):
        return "".join(node_text(child) for child in node)
    if node.get("type") == "break":
        return "\n"
    return str(node.get("value", "")) + node_text(node.get("children", []))
