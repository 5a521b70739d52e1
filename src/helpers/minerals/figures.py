"""The mineral claims beside the reported figures the claim-series mapping links to them, and their ratios."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from helpers import text, vocab
from helpers.claims import get_claim
from helpers.errors import MineralsError
from helpers.minerals.roles import money_claim

#: Context figures about one project carry its name in ``geo``: "Pakistan (Reko Diq)".
PROJECT_GEO = re.compile(r"^Pakistan \((?P<project>.+)\)$")
#: Kinds of context figures that are yearly flows (a full calendar or fiscal year).
YEARLY_KINDS: tuple[str, ...] = ("calendar", "fiscal_pk")


def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    """The latest figure of a time series (one row); all rows when they are labels or targets."""
    dated = rows.loc[rows["period_year"].notna()]
    if dated.empty or len(dated) < len(rows):
        return rows
    return dated.loc[[dated["period_year"].astype(int).idxmax()]]


def linked_figures(context: pd.DataFrame, claim_series: pd.DataFrame, claim_ids: Sequence[str]) -> pd.DataFrame:
    """Context figures the claim-series mapping links to ``claim_ids``: the latest point of each series.

    One row per (claim, series): the context row's columns plus ``claim_id``, ``series``, ``relation`` and
    ``note`` from the mapping. Label and target figures (not time series) come in full.
    """
    mapping = claim_series.loc[claim_series["claim_id"].isin(list(claim_ids))
                               & ~claim_series["relation"].eq("no_context")]
    parts = []
    for link in mapping.itertuples():
        rows = _latest(context.loc[context["id"].isin(list(link.context_ids))]).copy()
        rows["claim_id"], rows["series"], rows["relation"], rows["note"] = (link.claim_id, link.series,
                                                                           link.relation, link.note)
        parts.append(rows)
    if not parts:
        raise MineralsError(f"claim_series.csv links no context figures to {', '.join(claim_ids)}. Fix: add "
                            "rows for these claims to data/claim_series.csv (see data/README.md)")
    return pd.concat(parts, ignore_index=True)


def project_figures(context: pd.DataFrame) -> pd.DataFrame:
    """Context figures about named projects (``geo`` like "Pakistan (Reko Diq)"), with a ``project`` column."""
    names = context["geo"].str.extract(PROJECT_GEO)["project"]
    chosen = context.loc[names.notna()].copy()
    chosen.insert(1, "project", names[names.notna()])
    return chosen


def figures_table(claims: pd.DataFrame, figures: pd.DataFrame, claim_ids: Sequence[str]) -> pd.DataFrame:
    """The claims next to context figures, each with its source, period label and confidence.

    Claims come first (source: speaker and seed file; confidence: "claim, not checked"); then each context
    figure once (a figure linked to several claims is listed once). Fiscal years keep their label, e.g.
    "FY2024-25 (Jul 2024-Jun 2025)".
    """
    rows = []
    for claim_id in claim_ids:
        claim = get_claim(claims, claim_id)
        rows.append({"id": claim_id, "kind": f"claim ({claim['claim_type']})", "item": claim["subject"],
                     "value": vocab.Amount.from_row(claim).central, "unit": claim["unit"], "amount": text.claim(claim),
                     "period": f"stated {claim['as_of']}" + ("" if pd.isna(claim["horizon_year"])
                                                             else f", by {claim['horizon_year']}"),
                     "source": f"{claim['speaker'] or 'article'} (seeds/{claim['seed_file']})",
                     "confidence": "claim, not checked"})
    for figure in figures.drop_duplicates("id").itertuples():
        kind = "fiscal year" if figure.period_kind == "fiscal_pk" else figure.period_kind
        rows.append({"id": figure.id, "kind": f"reported ({kind})", "item": figure.indicator,
                     "value": figure.value, "unit": figure.unit, "amount": text.reported(figure.value, figure.unit),
                     "period": figure.period_label, "source": figure.source_publisher,
                     "confidence": figure.confidence})
    return pd.DataFrame(rows, columns=["id", "kind", "item", "value", "unit", "amount", "period", "source",
                                       "confidence"])


def compare_with_figures(claims: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Each claim divided by each money figure linked to it: ``ratio_low``..``ratio_high`` (claim / figure).

    ``figures`` is ``linked_figures`` output. Only figures in the claim's currency are compared; a stock
    divided by a yearly flow reads as years of that flow. Columns: claim_id, series, relation, context_id,
    indicator, year (the label as published), period, period_kind, confidence, claim_qualifier, claim_low,
    claim_high, figure, figure_unit, ratio_low, ratio_high, stock_vs_flow.
    """
    rows = []
    for figure in figures.itertuples():
        claim = get_claim(claims, figure.claim_id)
        currency = vocab.currency_of(figure.unit)
        if currency is None or currency != vocab.currency_of(claim["unit"]):
            continue
        rows.append({"claim_id": figure.claim_id, "series": figure.series, "relation": figure.relation,
                     "context_id": figure.id, "indicator": figure.indicator, "year": figure.year,
                     "period": figure.period_label,
                     "period_kind": figure.period_kind, "confidence": figure.confidence,
                     "claim_qualifier": claim["qualifier"], "claim_low": float(claim["value_low"]),
                     "claim_high": float(claim["value_high"]),
                     "figure": float(figure.value), "figure_unit": figure.unit,
                     "ratio_low": float(claim["value_low"]) / float(figure.value),
                     "ratio_high": float(claim["value_high"]) / float(figure.value),
                     "stock_vs_flow": not vocab.is_per_year(claim["unit"]) and figure.period_kind in YEARLY_KINDS})
    return pd.DataFrame(rows, columns=["claim_id", "series", "relation", "context_id", "indicator", "year",
                                       "period", "period_kind", "confidence", "claim_qualifier", "claim_low",
                                       "claim_high", "figure", "figure_unit", "ratio_low", "ratio_high",
                                       "stock_vs_flow"])


def comparison(table: pd.DataFrame, claim_id: str, series: str) -> pd.Series:
    """One row of ``compare_with_figures`` by claim and series key; an error naming the pairs there are."""
    match = table.loc[table["claim_id"].eq(claim_id) & table["series"].eq(series)]
    if match.empty:
        known = ", ".join(f"{c}/{s}" for c, s in zip(table["claim_id"], table["series"], strict=True))
        raise MineralsError(f"no comparison of claim {claim_id!r} with series {series!r}. Fix: link them in "
                            f"data/claim_series.csv, or use one of: {known or 'none'}")
    return match.iloc[0]


def period_text(row: pd.Series) -> str:
    """A comparison's period in words: "2023", "FY2024-25, a July-June fiscal year", or the label as given."""
    return text.period(row.get("period_kind"), str(row.get("year", "")), str(row["period"]))


def ambition_finding(claims: pd.DataFrame, table: pd.DataFrame, series: str, target_id: str) -> str:
    """A title: the target as a share (or multiple) of the latest figure of ``series``, e.g. "The $6-8 billion
    a year ambition is 72% to 96% of mineral output value in 2023"."""
    row = comparison(table, target_id, series)
    target = get_claim(claims, target_id)
    amount = text.compact_range(float(target["value_low"]), float(target["value_high"]), str(target["unit"]))
    return f"The {amount} ambition is {ratio_text(row)} of {indicator_text(row)} in {period_text(row)}"


def indicator_text(row: pd.Series) -> str:
    """A figure's indicator for a sentence: without its parentheses, lower case unless a name
    ("Mineral output value (World Mining Data 2025)" -> "mineral output value")."""
    return lower_first(re.sub(r"\s*\([^)]*\)", "", str(row["indicator"])).strip())


def lower_first(words: str) -> str:
    """``words`` with the first letter in lower case, unless it starts a name or an acronym ("Reko Diq ...",
    "GDP, ..." stay as they are)."""
    parts = words.split(" ")
    if not words[1:2].islower() or (len(parts) > 1 and parts[1][:1].isupper()):
        return words
    return words[:1].lower() + words[1:]


def ratio_text(row: pd.Series) -> str:
    """A comparison's ratio in words, with the claim's qualifier: shares below one as percentages, else
    multiples ("72% to 96%", "4.0x", "about 723x", "more than 1.0x")."""
    low, high = float(row["ratio_low"]), float(row["ratio_high"])
    write = text.share if high < 1 else text.multiple
    return text.qualifier(str(row.get("claim_qualifier", ""))) + text.bounds(low, high, write)


def figures_view(table: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """A ``figures_table`` as a reader wants it: amounts in words, a claim's source as its speaker, outlet and
    date, the claim or context id last."""
    from helpers.charts import said_by

    by_id = {str(r["id"]): r for r in claims.to_dict("records")}
    view = table.drop(columns=["id", "value", "unit"]).copy()
    view["source"] = [said_by(by_id[i]) if i in by_id else s for i, s in zip(table["id"], table["source"],
                                                                              strict=True)]
    view["ids"] = table["id"]
    return view


def readable_comparisons(table: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Comparisons as a reader wants them: the claim (by its subject when ``claims`` is given), the figure
    with its period and confidence, the ratio; the claim and context ids last."""
    names = dict(zip(claims["id"], claims["subject"], strict=False)) if claims is not None else {}
    return pd.DataFrame({
        "claim": [str(names.get(c, c)) for c in table["claim_id"]],
        "compared with": table["indicator"],
        "period": table["period"],
        "figure": [text.reported(v, u) for v, u in zip(table["figure"], table["figure_unit"], strict=True)],
        "claim / figure": [ratio_text(r) for _, r in table.iterrows()],
        "confidence": table["confidence"],
        "reading": ["years of this yearly flow" if s else r.replace("_", " ")
                    for s, r in zip(table["stock_vs_flow"], table["relation"], strict=True)],
        "ids": table["claim_id"] + ", " + table["context_id"],
    })


def flow_bars(claims: pd.DataFrame, figures: pd.DataFrame, claim_ids: Sequence[str]) -> pd.DataFrame:
    """Yearly money flows to draw side by side: the per-year claims and the full-year figures linked to them.

    Columns: id, label, low, high, kind ("claim", "target" or "reported"), confidence. Sorted by ``high``.
    Reported figures in another currency than the claims are left out.
    """
    rows = []
    currencies = set()
    for claim_id in claim_ids:
        claim = money_claim(claims, claim_id, per_year=True)
        currencies.add(vocab.currency_of(claim["unit"]))
        kind = "target" if claim["claim_type"] == "target" else "claim"
        rows.append({"id": claim_id, "label": f"{claim['subject']}: {kind}, stated {claim['as_of'][:4]}",
                     "low": float(claim["value_low"]), "high": float(claim["value_high"]),
                     "kind": kind, "confidence": "claim"})
    chosen = figures.loc[figures["claim_id"].isin(list(claim_ids)) & figures["period_kind"].isin(YEARLY_KINDS)
                         & ~figures["period_partial"].astype(bool)].drop_duplicates("id")
    for figure in chosen.itertuples():
        if vocab.currency_of(figure.unit) not in currencies:
            continue
        caveat = "" if figure.confidence == "high" else f", {figure.confidence} confidence"
        rows.append({"id": figure.id, "label": f"{figure.indicator}: {figure.year}{caveat}",
                     "low": float(figure.value), "high": float(figure.value), "kind": "reported",
                     "confidence": figure.confidence})
    return pd.DataFrame(rows, columns=["id", "label", "low", "high", "kind", "confidence"]).sort_values(
        "high", ignore_index=True)
