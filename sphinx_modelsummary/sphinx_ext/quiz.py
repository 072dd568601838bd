"""The ``model-quiz`` directive: the seed's kind of exercise, made from a model's summary.

A quiz on a spec is made when the page is read; a quiz on a named summary
(``:summary:``) when the page is written, once every page's summaries are known. The
answer is a :class:`quiz_answer` node: a closed ``<details>`` in HTML, a paragraph
after the question in text, man and Texinfo, and collected in a chapter "Answers to
the quizzes" at the end of a LaTeX document, with a link from each quiz. The options
are documented in ``docs/teaching-reference.rst``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..problems import Problem
from ..lookup import lookup
from ..settings import QUIZ_SETTINGS, resolve_quiz_options
from .directive import lookup_call
from .nodes import pending_quiz, quiz_answer, quiz_box
from .roles import ModelSummaryDomain
from .warn import warn
from .transforms import output_format

logger = logging.getLogger(__name__)


class ModelQuiz(SphinxDirective):
    """``.. model-quiz:: package.module:factory`` or ``.. model-quiz::`` with ``:summary: name``."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True  # the question, in place of the default one
    option_spec = {**{setting.option: directives.unchanged for setting in QUIZ_SETTINGS},
                   "label": directives.unchanged}  # mystmd's word for :name:

    def run(self) -> list[nodes.Node]:
        spec = self.arguments[0].strip() if self.arguments else ""
        try:
            settings = resolve_quiz_options(spec, self.options)
        except ValueError as error:
            return self._fail(Problem.OPTION.value, str(error))
        box = quiz_box(classes=["modelsummary-quiz", *settings.classes])
        self.set_source_info(box)
        if settings.name:
            self.options["name"] = settings.name
            self.add_name(box)
        question = self._question() if self.content else []
        if settings.summary:
            box.extend(question)
            box += pending_quiz(summary=settings.summary, settings=settings, asked=bool(question))
            self.set_source_info(box[-1])
            return [box]
        shape = {"input-shape": settings.input_shape} if settings.input_shape else {}
        entry = lookup(*lookup_call(self.config, self.env, self.env.docname, spec, shape)[1])
        for path in entry.stamps:  # an edit to the model's code re-reads this page
            self.env.note_dependency(path)
        if entry.error is not None:
            return self._fail(*entry.error)
        if entry.warning is not None:
            self._warn(*entry.warning)
        from .quiz_nodes import problem_of, quiz_nodes  # the teaching code, only for a page with a quiz

        try:
            code, rest = quiz_nodes(entry.record, settings, bool(question), self._warn, Path(self.env.srcdir))
        except ValueError as error:  # a QuizError too
            return self._fail(*problem_of(error))
        box.extend([*code, *question, *rest])
        return [box]

    def _question(self) -> list[nodes.Node]:
        """The content as nodes (``parse_content_to_nodes`` needs Sphinx 7.4)."""
        holder = nodes.Element()
        holder.document = self.state.document
        self.state.nested_parse(self.content, self.content_offset, holder)
        return holder.children

    def _warn(self, subtype: str, message: str) -> None:
        warn(self.get_location(), subtype, f"model-quiz: {message}")

    def _fail(self, subtype: str, message: str) -> list[nodes.Node]:
        self._warn(subtype, message)
        return []


class MakeQuizzes(SphinxPostTransform):
    """Each :class:`pending_quiz` becomes its quiz, from the named summary's record."""

    default_priority = 20

    def run(self, **kwargs: Any) -> None:
        domain = self.env.domains[ModelSummaryDomain.name]
        quizzes = list(self.document.findall(pending_quiz))
        if quizzes:
            from .quiz_nodes import problem_of, quiz_nodes  # the teaching code, only for a page with a quiz
        for pending in quizzes:
            box = pending.parent
            found = domain.record(pending["summary"], pending, "model-quiz")  # warns when there is none
            made = None
            try:
                if found is not None:
                    code, made = quiz_nodes(found[1], pending["settings"], pending["asked"],
                                            lambda subtype, message, at=pending: warn(at, subtype, f"model-quiz: {message}"),
                                            Path(self.env.srcdir))
            except ValueError as error:  # a QuizError too
                subtype, message = problem_of(error)
                warn(pending, subtype, f"model-quiz: {message}")
            if made is None:  # the quiz renders nothing, as the directive does on a problem
                box.parent.remove(box)
                continue
            pending.replace_self(made)
            box[0:0] = code


class AnswersForTheBuilder(SphinxPostTransform):
    """LaTeX: the answers move to a chapter at the end of the document (before any
    appendix), and each quiz links to its answer. Builders other than HTML, LaTeX, text,
    man and Texinfo get the answer as a plain container."""

    default_priority = 30

    def run(self, **kwargs: Any) -> None:
        builder_format = output_format(self)
        answers = list(self.document.findall(quiz_answer))
        if not answers or builder_format in ("html", "text", "man", "texinfo"):
            return
        if builder_format != "latex":
            for answer in answers:
                answer.replace_self(nodes.container("", *answer.children, classes=["modelsummary-answer"]))
            return
        root = self.document.get("docname", self.config.root_doc)
        chapter = nodes.section("", nodes.title("", "Answers to the quizzes"), ids=["modelsummary-answers"])
        for number, answer in enumerate(answers, 1):
            quiz_id, answer_id = f"modelsummary-quiz-{number}", f"modelsummary-answer-{number}"
            back = nodes.reference("", "the question", refuri=f"%{_docname(answer, root)}#{quiz_id}", internal=True)
            link = nodes.reference("", f"quiz {number}", refuri=f"%{root}#{answer_id}", internal=True)
            answer.replace_self(nodes.paragraph("", "", nodes.target("", "", ids=[quiz_id]),
                                                nodes.strong("", "Answer:"), nodes.Text(" see "), link,
                                                nodes.Text(" in the answers to the quizzes.")))
            chapter += nodes.paragraph("", "", nodes.target("", "", ids=[answer_id]),
                                       nodes.strong("", f"Quiz {number}"), nodes.Text(" ("), back, nodes.Text(")"))
            chapter.extend(answer.children)
        appendix = next((i for i, child in enumerate(self.document) if isinstance(child, nodes.document)), None)
        self.document.insert(len(self.document) if appendix is None else appendix, chapter)


def _docname(node: nodes.Node, default: str) -> str:
    """The page a node of an assembled LaTeX document comes from: its section's ``docname``."""
    while node is not None:
        if isinstance(node, (nodes.section, addnodes.start_of_file)) and node.get("docname"):
            return node["docname"]
        node = node.parent
    return default
