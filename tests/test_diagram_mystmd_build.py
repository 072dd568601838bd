"""``model-diagram`` in a book built by mystmd itself (installed on demand; skipped where
node or npm is missing): mystmd keeps the figure and writes its data URI image out as an
SVG file of the site, whose words are the model's."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from mystmd_tool import REPO, build_site, built_pages, find_myst, find_nodes

pytest.importorskip("keras")

PAGE = """\
# The seed, drawn

```{model-diagram} mymodels:build_cnn
:label: seed-figure
:caption: The seed's feature maps
```

See [the figure](#seed-figure).
"""


def test_mystmd_keeps_the_figure_and_writes_the_svg(tmp_path):
    myst, why = find_myst()
    if myst is None:
        pytest.skip(why)
    project = tmp_path / "book"
    shutil.copytree(REPO / "examples" / "jupyter-book-2", project,
                    ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__"))
    (project / "drawn.md").write_text(PAGE)
    config = project / "myst.yml"
    config.write_text(config.read_text().replace("    - file: quiz.md\n", "    - file: quiz.md\n    - file: drawn.md\n"))
    done = build_site(myst, project)
    page = built_pages(project)["drawn"]
    (figure,) = [c for c in find_nodes(page, "container") if c.get("kind") == "figure"]
    assert figure["identifier"] == "seed-figure" and figure.get("enumerator") == "1", done.stdout + done.stderr
    (image,) = find_nodes(figure, "image")
    assert image["url"].endswith(".svg") and image["urlSource"].startswith("data:image/svg+xml;base64,")
    written = project / "_build" / "site" / "public" / image["url"].lstrip("/")
    texts = [t.text for t in ET.parse(written).iter("{http://www.w3.org/2000/svg}text")]
    assert "conv2d_1" in texts and "11×11×64 · 18,496 params" in texts  # 64 · (32 · 3 · 3 + 1)
    assert "conv2d (Conv2D): 26×26×32 · 320 params" in image["alt"]
