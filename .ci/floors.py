"""Print pip constraints that pin each floor pyproject.toml declares (``name>=version``).

``python .ci/floors.py EXTRA...`` pins the floors of the dependencies and of the named
extras (and of the extras those name); ``--python`` prints the lowest Python instead.
"""

import re
import sys
import tomllib
from pathlib import Path

FLOOR = re.compile(r"^([A-Za-z0-9_.-]+)\s*>=\s*([\w.]+)[^;]*(;.*)?$")
OWN_EXTRAS = re.compile(r"^sphinx-modelsummary\[(.*)\]$")


def requirements(project: dict, extras: list[str]) -> list[str]:
    found, todo, seen = list(project["dependencies"]), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra not in seen:
            seen.add(extra)
            for line in project["optional-dependencies"][extra]:
                own = OWN_EXTRAS.match(line.strip())
                if own:
                    todo.extend(name.strip() for name in own[1].split(","))
                else:
                    found.append(line.strip())
    return found


def main(args: list[str]) -> None:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text())["project"]
    if args == ["--python"]:
        print(project["requires-python"].removeprefix(">="))
        return
    for line in requirements(project, args):
        floor = FLOOR.match(line)
        if floor:
            print(f"{floor[1]}=={floor[2]}{floor[3] or ''}")


if __name__ == "__main__":
    main(sys.argv[1:])
