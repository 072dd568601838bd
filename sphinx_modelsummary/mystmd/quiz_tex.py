"""A quiz as LaTeX, for mystmd's TeX export, which writes neither ``exercise`` nor
``details`` nodes. The quiz's nodes go inside a ``raw`` node whose ``tex`` is this text:
mystmd's TeX export writes the ``tex`` in place of the children, and the site, which has
no ``raw`` renderer, shows the children. In TeX the answer follows the statements, as in
Sphinx's text output, and the quiz is numbered "Exercise N" as on the site."""

from __future__ import annotations

from ..model.expr import symbol_tex
from ..present import conventions as fmt
from ..teach.quiz import Quiz, legend, reasoning

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "×": r"$\times$",
            "→": r"$\rightarrow$", "·": r"$\cdot$", "’": "'", "\u00a0": "~"}
_COUNTER = "modelsummaryquiz"


def tex_text(text: str) -> str:
    """Plain text made safe for LaTeX (the arrows and signs of the shape walk as maths)."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def nodes_tex(nodes: list[dict], role_tex) -> str:
    """An author's question (MyST nodes as mystmd parsed them, before its roles and
    references are resolved) as LaTeX: ``role_tex(name, target)`` gives a role's text
    (``name`` is ``ref`` for ``[](#target)``)."""
    out = []
    for node in nodes:
        kind, children = node.get("type"), node.get("children") or []
        if kind == "text":
            out.append(tex_text(node.get("value", "")))
        elif kind in ("inlineMath", "math"):
            out.append(f"${node.get('value', '')}$")
        elif kind == "inlineCode":
            out.append(rf"\texttt{{{tex_text(node.get('value', ''))}}}")
        elif kind == "mystRole":
            out.append(role_tex(node.get("name", ""), node.get("value", "")))
        elif kind == "link" and not children and str(node.get("url", "")).startswith("#"):
            out.append(role_tex("ref", node["url"][1:]))
        else:
            out.append(nodes_tex(children, role_tex))
        if kind == "paragraph":
            out.append("\n\n")
    return "".join(out).strip()


def quiz_tex(quiz: Quiz, question: str, code: str | None, label: str) -> str:
    """The whole quiz (``question`` already LaTeX), its answer after the statements."""
    target = rf"\label{{{label}}}" if label else ""
    lines = [rf"\ifcsname c@{_COUNTER}\endcsname\else\newcounter{{{_COUNTER}}}\fi",
             rf"\par\medskip\noindent\refstepcounter{{{_COUNTER}}}{target}\textbf{{Exercise \the{_COUNTER}}}\par"]
    if code:
        lines += [r"\begin{verbatim}", code, r"\end{verbatim}"]
    lines += [question, r"\begin{enumerate}"]
    lines += [rf"\item {tex_text(s.text)}" for s in quiz.statements]
    lines += [r"\end{enumerate}", rf"\par\noindent\textbf{{Answer:}} {', '.join(map(str, quiz.answer))}\par"]
    lines += [_pieces(reasoning(statement)) + r"\par" for statement in quiz.statements]
    lines.append(rf"\noindent\textbf{{Shapes:}} {tex_text(quiz.shapes)}\par")
    symbols = legend(quiz)
    if symbols:
        meanings = "; ".join(f"${symbol_tex(symbol)}$ {'stands for' if not i else 'for'} the {tex_text(meaning)}"
                             for i, (symbol, meaning) in enumerate(symbols))
        lines.append(rf"\noindent\textbf{{Where}} {meanings}.\par")
    return "\n" + "\n".join(lines) + r"\medskip" + "\n"


def _pieces(pieces: list) -> str:
    return "".join(tex_text(p) if isinstance(p, str) else f"${fmt.equation_latex(p.item, p.mode)}$" for p in pieces)
