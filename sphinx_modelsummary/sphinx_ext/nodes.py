"""The nodes the Sphinx front-end adds to a doctree, and how each builder writes the one
that reaches a writer (a quiz's answer)."""

from __future__ import annotations

from docutils import nodes


class pending_summary(nodes.General, nodes.Element):
    """A summary whose table is built when the page is written, so the read-time
    transforms and the pickled doctree never carry a large table. Its stub table holds
    the caption and ids, so table numbers and references work as for any table."""


class quiz_answer(nodes.General, nodes.Element):
    """A quiz's answer: the correct statements and the reasoning."""


class quiz_box(nodes.container):
    """A quiz: numbered as a ``quiz`` (``numfig_format``: ``Quiz %s``), so ``:numref:``
    and MyST's ``[](#name)`` refer to it; every writer writes it as a container."""


def quiz_title(node: quiz_box) -> str:
    return "Quiz"


class pending_quiz(nodes.General, nodes.Element):
    """A quiz on a named summary, made when the page is written (``summary``, ``settings``)."""


def _visit_details(self, node: quiz_answer) -> None:
    self.body.append(self.starttag(node, "details", "", CLASS="modelsummary-answer"))
    self.body.append("<summary>Show the answer</summary>\n")


def _depart_details(self, node: quiz_answer) -> None:
    self.body.append("</details>\n")


def _plain(self, node: nodes.Node) -> None:
    """The answer's paragraphs as they are: it follows the question."""


ANSWER_VISITORS = {"html": (_visit_details, _depart_details),
            **{name: (_plain, _plain) for name in ("latex", "text", "man", "texinfo")}}
