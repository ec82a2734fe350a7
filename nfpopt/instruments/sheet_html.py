"""The fabrication sheet as a printable HTML page: one block per experiment, plain layout."""

from __future__ import annotations

from html import escape

import pandas as pd

_STYLE = """
body { font-family: sans-serif; font-size: 11pt; margin: 1.5cm; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin: 0 0 0.3em 0; }
section { border: 1px solid #444; padding: 0.6em; margin-bottom: 1em; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #999; padding: 0.2em 0.4em; text-align: left; vertical-align: top; }
td.blank { min-width: 8em; }
"""


def _rows(pairs: list[tuple[str, object]]) -> str:
    cells = []
    for label, value in pairs:
        blank = value == ""
        text = "" if blank else escape(str(value))
        cells.append(f"<tr><th>{escape(label)}</th><td{' class=blank' if blank else ''}>{text}</td></tr>")
    return "\n".join(cells)


def sheet_html(sheet: pd.DataFrame, *, title: str) -> str:
    """The sheet as one HTML page titled ``title`` (e.g. the batch): weighing table, then the steps."""
    blocks = []
    masses = [c for c in sheet.columns if c.endswith("_g") and not c.startswith("weighed_") and "ssa" not in c]
    for _, row in sheet.iterrows():
        name = f"experiment {row['experiment_id']}" if "experiment_id" in row else f"row {row.name + 1}"
        weighing = "".join(
            f"<tr><td>{escape(c.removesuffix('_g'))}</td><td>{row[c]:.4f} g</td><td class=blank></td></tr>"
            for c in masses
        )
        steps = [
            (c.replace("_", " "), row[c]) for c in sheet.columns if c not in masses and not c.startswith("weighed_")
        ]
        blocks.append(
            f"<section><h2>{escape(name)}</h2><table><tr><th>component</th><th>to weigh</th><th>weighed</th></tr>"
            f"{weighing}</table><table>{_rows([s for s in steps if s[0] != 'experiment id'])}</table></section>"
        )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{''.join(blocks)}</body></html>"
    )
