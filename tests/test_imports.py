"""The layers of the package, as its folders show them, and what each may import.

``model/`` makes the record; ``present/`` shows it; ``teach/`` makes quizzes from it; the
shared layer (``problems``, ``settings``, ``cache``, ``lookup``) serves the front-ends
(``sphinx_ext/``, ``mystmd``, ``cli``, ``notebook``). An arrow only ever points down, no
module imports itself round a cycle, and the framework is imported only when a model is
summarised.
"""

import ast
from pathlib import Path

from front_ends import imported_by

PACKAGE = Path(__file__).parent.parent / "sphinx_modelsummary"

# A layer may import the layers listed for it (and itself), nothing else of the package.
BASE = {"problems", "_version"}
SHARED = {"settings", "cache", "lookup"}
FRONT_ENDS = {"sphinx_ext", "mystmd", "cli", "notebook", "__init__", "__main__"}
MAY_IMPORT = {
    "base": set(),
    "model": {"base"},
    "present": {"base", "model"},
    "teach": {"base", "model", "present"},
    "shared": {"base", "model", "present"},
    "front-end": {"base", "model", "present", "teach", "shared"},
}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    top = (module.split(".") + ["__init__"])[1]
    if top in BASE:
        return "base"
    if top in SHARED:
        return "shared"
    if top in FRONT_ENDS:
        return "front-end"
    return top


def _imports(path: Path, top_level_only: bool):
    """The package's modules that ``path`` imports (at module level only, if asked)."""
    module = _name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("sphinx_modelsummary"):
                continue
            for alias in node.names:  # `from . import conventions` names a module
                candidate = f"{target}.{alias.name}"
                yield candidate if _module_path(candidate) else target
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("sphinx_modelsummary"))


def _module_path(module: str) -> Path | None:
    relative = Path(*module.split(".")[1:])
    for path in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if path.is_file():
            return path
    return None


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_every_import_points_down_the_layers():
    wrong = []
    for path in _modules():
        source = _layer(_name(path))
        for target in _imports(path, top_level_only=False):
            layer = _layer(target)
            if layer != source and layer not in MAY_IMPORT[source]:
                wrong.append(f"{_name(path)} ({source}) imports {target} ({layer})")
    assert not wrong, "\n".join(wrong)


def test_the_front_ends_do_not_import_each_other():
    wrong = []
    for path in _modules():
        source = _name(path).split(".")[1] if "." in _name(path) else "__init__"
        if source not in FRONT_ENDS - {"__init__", "__main__"}:
            continue
        for target in _imports(path, top_level_only=False):
            top = target.split(".")[1] if "." in target else "__init__"
            if top in FRONT_ENDS - {"__init__", source}:
                wrong.append(f"{_name(path)} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    graph = {_name(p): {t for t in _imports(p, top_level_only=True) if t != _name(p)} for p in _modules()}

    def cycle_from(start, node, seen):
        for nxt in graph.get(node, ()):
            if nxt == start:
                return [start, node] if node != start else [start]
            if nxt not in seen:
                seen.add(nxt)
                found = cycle_from(start, nxt, seen)
                if found:
                    return found
        return None

    cycles = [(m, cycle_from(m, m, {m})) for m in graph]
    assert not [c for c in cycles if c[1]], cycles


def test_sphinx_is_imported_by_the_sphinx_front_end_alone():
    wrong = []
    for path in _modules():
        if _name(path).startswith("sphinx_modelsummary.sphinx_ext"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            wrong += [f"{_name(path)} imports {n}" for n in names if n.split(".")[0] == "sphinx"]
    assert not wrong, "\n".join(wrong)


def test_package_imports_neither_sphinx_nor_keras():
    assert imported_by("sphinx_modelsummary") == ""


def test_core_imports_no_sphinx_and_no_framework():
    modules = ["sphinx_modelsummary.model.summary", "sphinx_modelsummary.model.catalog", "sphinx_modelsummary.lookup",
               "sphinx_modelsummary.settings", "sphinx_modelsummary.present.text", "sphinx_modelsummary.present.myst_ast",
               "sphinx_modelsummary.present.html", "sphinx_modelsummary.present.markdown", "sphinx_modelsummary.teach.quiz",
               "sphinx_modelsummary.cli", "sphinx_modelsummary.mystmd", "sphinx_modelsummary.notebook"]
    out = imported_by("; import ".join(modules))
    assert out == ""


def test_no_test_module_imports_another():
    """What tests share lives in helper modules (``builds``, ``records``, ``front_ends``...)."""
    wrong = []
    for path in sorted(Path(__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            wrong += [f"{path.name} imports {n}" for n in names if n.split(".")[0].startswith("test_")]
    assert not wrong, "\n".join(wrong)
