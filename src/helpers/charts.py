"""The one plotting module: every chart's title states the finding, axes carry units, and a Source line is
built from the claim ids, seed files and context rows used -- never typed by hand."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import fmt

PALETTE = {"claim": "#1f5a91", "target": "#d1495b", "history": "#2e2e2e", "official": "#00798c",
           "scenario": "#edae49", "benchmark": "#8c8c8c", "range": "#9bbbd8"}


def _ranges(ids: Sequence[str]) -> str:
    """Compress context ids like F060, F061, F062 into F060-F062."""
    ordered = sorted(set(ids))
    out: list[str] = []
    start = prev = None
    for item in ordered + [None]:
        num = int(item[1:]) if item and item[1:].isdigit() else None
        if prev is not None and num is not None and int(prev[1:]) + 1 == num and item[0] == prev[0]:
            prev = item
            continue
        if start is not None:
            out.append(start if start == prev else f"{start}-{prev}")
        start = prev = item
    return ", ".join(x for x in out if x)


def source_line(claims: pd.DataFrame | None = None, context: pd.DataFrame | None = None,
                extra: Iterable[str] = ()) -> str:
    """``Source:`` text naming the claim ids with their seed files and the context rows with publishers."""
    parts: list[str] = []
    if claims is not None and not claims.empty:
        by_seed = claims.groupby("seed_file", sort=True)["id"].apply(lambda s: ", ".join(sorted(s)))
        parts.append("claims " + "; ".join(f"{ids} (seeds/{seed})" for seed, ids in by_seed.items()))
    if context is not None and not context.empty:
        by_pub = context.groupby("source_publisher", sort=True)["id"].apply(list)
        parts.append("context " + "; ".join(f"{_ranges(ids)} ({pub})" for pub, ids in by_pub.items()))
    parts.extend(extra)
    return "Source: " + ("; ".join(parts) if parts else "none")


def new_chart(title: str, subtitle: str = "", size: tuple[float, float] = (9.0, 5.0)) -> tuple[Figure, Axes]:
    """A figure with the finding as title and qualifiers as subtitle."""
    fig, ax = plt.subplots(figsize=size, dpi=100)
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    if subtitle:
        ax.set_title(subtitle, loc="left", fontsize=10, color="#555555")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def finish(fig: Figure, source: str) -> Figure:
    """Add the Source line at the bottom and tighten the layout."""
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.text(0.01, 0.01, _wrap(source, 150), fontsize=7.5, color="#555555", ha="left", va="bottom")
    return fig


def _wrap(text: str, width: int) -> str:
    """Wrap a long Source line on word boundaries."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


def money_axis(ax: Axes, axis: str = "x", currency: str = "USD") -> None:
    """Format a (log) money axis as $1 billion etc."""
    formatter = mticker.FuncFormatter(lambda v, _: fmt.amount(v, currency, digits=0) if v > 0 else "")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def magnitude_chart(money_claims: pd.DataFrame) -> Figure:
    """Log-scale bars of every money claim (ranges drawn as low-high spans), labelled by claim id."""
    frame = money_claims.sort_values("value_high")
    top, bottom = frame.iloc[-1], frame.iloc[0]
    orders = math.log10(top["value_high"] / bottom["value_low"]) if bottom["value_low"] > 0 else float("nan")
    title = (f"Claimed amounts span {orders:.1f} orders of magnitude, from {fmt.amount(bottom['value_low'])} "
             f"to {fmt.amount(top['value_high'])}")
    fig, ax = new_chart(title, "Money claims in the register, US$ (log scale); targets in red, ranges as spans",
                        size=(9.0, 0.45 * len(frame) + 2.2))
    for y, row in enumerate(frame.itertuples()):
        colour = PALETTE["target"] if row.claim_type == "target" else PALETTE["claim"]
        ax.barh(y, row.value_low, color=colour, height=0.6)
        if row.value_high > row.value_low:
            ax.barh(y, row.value_high - row.value_low, left=row.value_low, color=colour, alpha=0.35, height=0.6)
        mark = {"approximate": "~", "lower_bound": ">", "upper_bound": "<"}.get(row.qualifier, "")
        ax.text(row.value_high * 1.15, y, f"{mark}{fmt.bounds(row.value_low, row.value_high, unit=row.unit)}",
                va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(frame)), frame["id"], fontsize=8)
    ax.set_xlim(frame["value_low"].min() / 3, frame["value_high"].max() * 30)
    ax.set_xlabel("Amount, US$ (log scale)")
    money_axis(ax)
    return finish(fig, source_line(claims=frame))
