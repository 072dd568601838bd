"""A plain-text table that fits a width: the CLI's and the Sphinx text builder's.

A cell is a list of blocks (each starts a new line), a block a list of pieces that are
never broken (``k · (f · h · w + 1)``, ``= 32 · (1 · 3 · 3 + 1)``, ``= 320``): a line ends
only between pieces, so a formula wraps at its ``=`` and nowhere else. Columns start at
their natural width and the widest give way, down to their longest piece, until the
table fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GAP = "  "


@dataclass
class Block:
    pieces: list[str]
    indent: str = ""
    lead: bool = True  # when it must wrap, its first piece stands alone (a formula's symbolic side)


@dataclass
class Cell:
    blocks: list[Block] = field(default_factory=list)

    @classmethod
    def of(cls, *pieces: str, indent: str = "") -> "Cell":
        return cls([Block([p for p in pieces if p], indent)] if any(pieces) else [])

    def add(self, *pieces: str, indent: str = "", lead: bool = True) -> "Cell":
        self.blocks.append(Block([p for p in pieces if p], indent, lead))
        return self

    def widest_piece(self) -> int:
        return max((len(b.indent) + len(p) for b in self.blocks for p in b.pieces), default=0)

    def natural_width(self) -> int:
        return max((len(b.indent) + len(" ".join(b.pieces)) for b in self.blocks), default=0)

    def lines(self, width: int) -> list[str]:
        """The cell's lines: a block that does not fit on one line breaks after its first
        piece (a formula after its symbolic side; not prose), then fills each line."""
        out = []
        for block in self.blocks:
            room = width - len(block.indent)
            if len(" ".join(block.pieces)) <= room:
                out.append(block.indent + " ".join(block.pieces))
                continue
            line = ""
            if block.lead:
                out.append(block.indent + block.pieces[0])
            else:
                line = block.pieces[0]
            for piece in block.pieces[1:]:
                if line and len(line) + 1 + len(piece) > room:
                    out.append(block.indent + line)
                    line = piece
                else:
                    line = f"{line} {piece}" if line else piece
            out.append(block.indent + line)
        return out


def fit_widths(header: list[str], rows: list[list[Cell]], width: int, keep: int | None = None,
               footer: list[Cell] | None = None) -> list[int]:
    """Column widths within ``width`` (counting the gaps), no column below its widest piece;
    the widest columns give way first, column ``keep`` (the formulas) last. The ``footer``
    (the totals' prose) fills the widths the rows ask for and widens no column beyond them."""
    columns = range(len(header))
    ends = [footer] if footer else []
    least = [max([len(header[c]), *(row[c].widest_piece() for row in rows + ends)]) for c in columns]
    widths = [max([least[c], *(row[c].natural_width() for row in rows)]) for c in columns]
    budget = width - len(GAP) * (len(header) - 1)
    while sum(widths) > budget:
        giving = [c for c in columns if widths[c] > least[c]]
        if not giving:
            break
        widest = max(giving, key=lambda c: (c != keep, widths[c]))
        widths[widest] -= 1
    return widths


def render_table(header: list[str], rows: list[list[Cell]], numeric: list[bool], width: int = 100,
                 footer: list[Cell] | None = None, keep: int | None = None) -> list[str]:
    """The table's lines: header, rule, rows (a blank line between rows that take several
    lines), and a footer row after a rule."""
    widths = fit_widths(header, rows, width, keep, footer)

    def line(cells: list[str]) -> str:
        return GAP.join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()

    def row_lines(row: list[Cell]) -> list[str]:
        columns = [cell.lines(w) for cell, w in zip(row, widths)]
        return [line([col[i] if i < len(col) else "" for col in columns])
                for i in range(max(len(col) for col in columns))]

    rule = GAP.join("-" * w for w in widths)
    out = [line(header), rule]
    spaced = any(len(row_lines(row)) > 1 for row in rows)
    for i, row in enumerate(rows):
        if spaced and i:
            out.append("")
        out += row_lines(row)
    if footer:
        out += [rule, *row_lines(footer)]
    return out
