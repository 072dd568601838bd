"""Print pip constraints that pin every ``name>=version`` floor pyproject.toml declares.

Usage: ``python .ci/floors.py EXTRA...``: the floors of the project's dependencies and of
the named extras (and the extras they name), each pinned to ``name==version``.
"""

import re
import sys
import tomllib
from pathlib import Path

FLOOR = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*>=\s*([\w.]+)\s*(;.*)?$")
SELF = re.compile(r"^\s*sphinx-modelsummary\[(.*)\]\s*$")


def requirements(project: dict, extras: list[str]) -> list[str]:
    found, todo, seen = list(project["dependencies"]), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for line in project["optional-dependencies"][extra]:
            named = SELF.match(line)
            if named:
                todo.extend(e.strip() for e in named[1].split(","))
            else:
                found.append(line)
    return found


def main(extras: list[str]) -> None:
    project = tomllib.loads(Path(__file__).resolve().parents[1].joinpath("pyproject.toml").read_text())["project"]
    for line in requirements(project, extras):
        floor = FLOOR.match(line.split(",")[0] if ";" not in line else line)
        if floor:
            print(f"{floor[1]}=={floor[2]}{floor[3] or ''}")


if __name__ == "__main__":
    main(sys.argv[1:])
