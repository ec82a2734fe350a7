"""The report as one HTML page: sections of text, figures (PNG files beside it) and tables.

Plain HTML and inline CSS, no scripts: the page opens from disk in any browser, prints, and
can be mailed as a folder. Every value is escaped.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from nfpopt.definition import CampaignDefinition
from nfpopt.report.labels import name_label, pretty_unit, words

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px;
       padding: 1.5rem 2rem 4rem; color: #1d2327; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.4rem; border-bottom: 2px solid #dde3e8; padding-bottom: 0.2rem; }
.sub { color: #5a6670; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 1rem 0; }
.card { border: 1px solid #dde3e8; border-radius: 6px; padding: 0.6rem 0.9rem; min-width: 11rem; background: #f7f9fa; }
.card .value { font-size: 1.35rem; font-weight: 600; } .card .what { color: #5a6670; font-size: 0.85rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #eef1f3; }
figcaption { color: #3c464e; font-size: 0.92rem; max-width: 60rem; }
.note { background: #fff8e1; border-left: 4px solid #f0b429; padding: 0.5rem 0.8rem; max-width: 60rem; }
.scroll { overflow-x: auto; max-height: 42rem; overflow-y: auto; border: 1px solid #dde3e8; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { padding: 0.25rem 0.55rem; border-bottom: 1px solid #eef1f3; text-align: right; white-space: nowrap; }
th { background: #eef3f7; position: sticky; top: 0; vertical-align: bottom; white-space: normal; max-width: 7.5rem; }
td.text { text-align: left; white-space: normal; min-width: 22rem; }
tr.failed td { background: #fdecea; } tr.proposed td, tr.running td { background: #fff8e1; }
tr.abandoned td { color: #8a949c; }
ul.why { max-width: 60rem; font-size: 0.92rem; }
"""


@dataclass
class Section:
    """One part of the page: a heading and HTML blocks in order."""

    title: str
    blocks: list[str] = field(default_factory=list)

    def text(self, message: str, *, note: bool = False) -> Section:
        self.blocks.append(f'<p class="{"note" if note else ""}">{html.escape(message)}</p>')
        return self

    def figure(self, filename: str, caption: str) -> Section:
        self.blocks.append(
            f'<figure><img src="{html.escape(filename)}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
        return self

    def raw(self, block: str) -> Section:
        self.blocks.append(block)
        return self

    def render(self) -> str:
        return f"<section><h2>{html.escape(self.title)}</h2>\n" + "\n".join(self.blocks) + "</section>"


def page(title: str, subtitle: str, cards: list[tuple[str, str]], sections: list[Section]) -> str:
    """The whole page: title, summary cards (value, what it is) and the sections."""
    card_html = "".join(
        f'<div class="card"><div class="value">{html.escape(v)}</div><div class="what">{html.escape(w)}</div></div>'
        for v, w in cards
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
        f'<h1>{html.escape(title)}</h1><p class="sub">{html.escape(subtitle)}</p>\n'
        f'<div class="cards">{card_html}</div>\n' + "\n".join(s.render() for s in sections) + "\n</body></html>\n"
    )


def table_html(frame: pd.DataFrame, headers: dict[str, str], *, text_columns: tuple[str, ...] = ()) -> str:
    """A scrollable table; rows classed by their ``status`` (failed rows tinted)."""
    head = "".join(f"<th>{html.escape(headers.get(c, c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        status = html.escape(str(row.get("status", "")))
        cells = "".join(
            f'<td class="{"text" if c in text_columns else ""}">{html.escape(fmt(row[c]))}</td>' for c in frame.columns
        )
        rows.append(f'<tr class="{status}">{cells}</tr>')
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def fmt(value: object) -> str:
    """A value as a table shows it: 4 significant digits, yes/no, and '–' for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    return str(value)


def headers(definition: CampaignDefinition, columns: list[str]) -> dict[str, str]:
    """Column headings with units: ``ab_wt_pct`` -> ``AB (wt%)``."""
    out = {}
    for column in columns:
        if column.startswith("predicted_"):
            base = column.removeprefix("predicted_").removesuffix("_sd")
            unit = definition.outcome(base).unit if base in definition.outcome_names else ""
            kind = "sd of predicted" if column.endswith("_sd") else "predicted"
            out[column] = f"{kind} {words(base, unit)}" + (f" ({pretty_unit(unit)})" if unit else "")
        elif column in definition.space.names or column in definition.outcome_names:
            out[column] = name_label(definition, column)
        else:
            out[column] = {"experiment_id": "experiment", "p_feasible": "P(success)"}.get(column, words(column))
    return out


def plain_words(text: str, definition: CampaignDefinition) -> str:
    """Outcome names in a sentence (e.g. a rationale) replaced by words."""
    for name in sorted(definition.outcome_names, key=len, reverse=True):
        text = text.replace(name, words(name, definition.outcome(name).unit))
    return text
