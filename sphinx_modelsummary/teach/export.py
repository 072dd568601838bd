"""A quiz for other places: plain text and Markdown (the CLI's ``quiz --format``); its JSON
is :func:`.quiz.to_json`."""

from __future__ import annotations

from .quiz import Quiz, legend, pieces_text, reasoning


def to_text(quiz: Quiz, code: str | None = None) -> str:
    lines = [*(f"    {line}" for line in (code or "").splitlines()), *([""] if code else []), quiz.question, ""]
    lines += [f"  {s.number}. {s.text}" for s in quiz.statements]
    lines += ["", f"Answer: {', '.join(map(str, quiz.answer))}", ""]
    lines += [line for s in quiz.statements for line in (pieces_text(reasoning(s)), "")]
    lines += [f"Shapes: {quiz.shapes}"]
    symbols = legend(quiz)
    if symbols:
        lines += ["", "Legend:", *(f"  {symbol}: {meaning}" for symbol, meaning in symbols)]
    return "\n".join(lines) + "\n"


def to_markdown(quiz: Quiz, code: str | None = None) -> str:
    def cell(text: str) -> str:
        return text.replace("*", "\\*").replace("_", "\\_")

    lines = ["```python", code, "```", ""] if code else []
    lines += [quiz.question, ""] + [f"{s.number}. {cell(s.text)}" for s in quiz.statements]
    lines += ["", f"**Answer:** {', '.join(map(str, quiz.answer))}", ""]
    for statement in quiz.statements:  # "1. False. ...": an ordered list, numbered as the statements
        lines += ["".join(cell(p) if isinstance(p, str) else f"`{pieces_text([p])}`" for p in reasoning(statement)), ""]
    lines += [f"**Shapes:** {cell(quiz.shapes)}"]
    symbols = legend(quiz)
    if symbols:
        lines += ["", "**Legend:** " + "; ".join(f"`{s}` {cell(m)}" for s, m in symbols)]
    return "\n".join(lines) + "\n"
