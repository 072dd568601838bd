r"""A diagram (:mod:`.diagram_layout`) as a LaTeX ``picture``: vectors and the document's
own font, scaled down to the line's width (and to most of a page's height) when larger.
It needs ``pict2e`` (any slope, ``\polyline``, ``\polygon``), part of every TeX Live that
builds Sphinx's PDF (``texlive-pictures``, which ``texlive-latex-extra`` brings)."""

from __future__ import annotations

from .diagram_layout import FONT, LINE, PAD, Box, Diagram, label_origin

PACKAGE = "pict2e"
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$",
            "#": r"\#", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "×": r"$\times$", "·": r"$\cdot$",
            "<": r"\textless{}", ">": r"\textgreater{}"}


def escape(text: str) -> str:
    """Text for LaTeX: its special characters and the convention's × and · written out;
    any other character not in ASCII is left out rather than break the build."""
    return "".join(_SPECIAL.get(c, c if c.isascii() else "?") for c in text)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Canvas:
    """Picture commands in the layout's coordinates (y down, as in SVG)."""

    def __init__(self, height: float):
        self.height, self.lines = height, []

    def point(self, x: float, y: float) -> str:
        return f"({_n(x)},{_n(self.height - y)})"

    def text(self, x: float, y: float, words: str, align: str = "l", style: str = "") -> None:
        # (x, y) is the baseline's start, as in SVG; a zero box set on the text's middle
        self.lines.append(rf"\put{self.point(x, y - FONT * 0.35)}{{\makebox(0,0)[{align}]{{{style}{escape(words)}}}}}")

    def polygon(self, points: list[tuple[float, float]], filled: bool = False) -> None:
        star = "*" if filled else ""
        self.lines.append(rf"\polygon{star}" + "".join(self.point(x, y) for x, y in points))

    def polyline(self, points: list[tuple[float, float]]) -> None:
        self.lines.append(r"\polyline" + "".join(self.point(x, y) for x, y in points))


def _words(canvas: _Canvas, box: Box, x: float, y: float, align: str) -> None:
    name, kind, facts = box.lines
    canvas.text(x, y, name, align)
    canvas.text(x, y + LINE, kind, align, r"\itshape ")
    canvas.text(x, y + 2 * LINE, facts, align)


def _rect(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def render(diagram: Diagram) -> str:
    """The figure's LaTeX: a ``picture`` in a ``\\resizebox`` that only ever shrinks it."""
    canvas = _Canvas(diagram.height)
    for _, _, points in diagram.edges:
        canvas.polyline(points)
        x, y = points[-1]
        canvas.polygon([(x - 3.5, y - 7), (x + 3.5, y - 7), (x, y)], filled=True)
    for box in diagram.boxes:
        if diagram.view == "feature-maps":
            w, h, d = box.face
            rise, x, y = d * 0.7, box.x, box.y
            canvas.polygon([(x, y), (x + rise, y - rise), (x + w + rise, y - rise), (x + w, y)])
            canvas.polygon([(x + w, y), (x + w + rise, y - rise), (x + w + rise, y + h - rise), (x + w, y + h)])
            canvas.polygon(_rect(x, y, w, h))
            _words(canvas, box, *label_origin(diagram, box), "l")
        else:
            canvas.polygon(_rect(box.x, box.y, box.w, box.h))
            _words(canvas, box, box.cx, box.y + PAD + FONT - 2, "c")
    body = "\n".join(canvas.lines)
    return (
        "\\begin{center}\\sffamily\\fontsize{8.5}{10}\\selectfont\n"
        "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%\n"
        "\\resizebox{!}{\\ifdim\\height>0.8\\textheight 0.8\\textheight\\else\\height\\fi}{%\n"
        "\\setlength{\\unitlength}{0.75pt}\\linethickness{0.5pt}%\n"
        f"\\begin{{picture}}({_n(diagram.width)},{_n(diagram.height)})\n{body}\n\\end{{picture}}}}}}\n"
        "\\end{center}\n"
    )
