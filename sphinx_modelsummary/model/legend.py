"""The legend of a summary: each symbol of its formulas with what it means."""

from __future__ import annotations


def legend_items(rows: list[dict], parts=("formula",)) -> list[tuple[str, str]]:
    """``(symbol, meaning)`` for the symbols shown: ``parts`` picks formula, macs, derivations."""
    legend: dict[str, str] = {}
    for row in rows:
        items = []
        if "formula" in parts:
            items.append(row["formula"])
        if "macs" in parts:
            items.append(row["macs_formula"])
        if "derivations" in parts:
            items += row["shape_derivations"]
        for item in items:
            for symbol, meaning in ((item or {}).get("legend") or {}).items():
                legend.setdefault(symbol, meaning)
    return sorted(legend.items(), key=lambda kv: (kv[0].lower(), kv[0]))
