"""The one plotting module: every chart's title states the finding in names a reader knows (subjects,
countries, outlets), axes carry units, and a Source line is built from the claims (with their outlets) and
context rows used -- never typed by hand. Ids appear only in Source lines.

Log axes carry points and lines, never bars (a bar's length from an arbitrary floor means nothing on a log
scale); the first log chart of a page says once what the scale means (``LOG_NOTE``). History lines break
where years are missing instead of running straight across them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import text, vocab
from helpers.errors import ConversionError

# Chart text is prose with dollar amounts ("$6 to $8 billion"), never TeX: draw "$" literally.
plt.rcParams["text.parse_math"] = False

#: What a log axis means, said once in the subtitle of a log chart.
LOG_NOTE = "log scale: equal steps are equal multiples, so steady growth is a straight line"
#: Size and colour of Source lines: legible on screen and in print.
SOURCE_SIZE = 10
SOURCE_COLOUR = "#333333"

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
        parts.append("claims " + "; ".join(f"{ids} ({_outlet(seed)})" for seed, ids in by_seed.items()))
    if context is not None and not context.empty:
        by_pub = context.groupby("source_publisher", sort=True)["id"].apply(list)
        parts.append("context " + "; ".join(f"{_ranges(ids)} ({pub})" for pub, ids in by_pub.items()))
    parts.extend(extra)
    return "Source: " + ("; ".join(parts) if parts else "none")


def _outlet(seed: str) -> str:
    """An article as a Source line names it: outlet and date from the articles table, then its seed file."""
    from helpers.sources import seed_article

    article = seed_article({"seed_file": seed})
    return ", ".join(x for x in (article.publisher, article.date, f"seeds/{seed}") if x)


def said_by(claim: pd.Series | dict) -> str:
    """Who made a claim and where, for subtitles: "the Special Assistant, in UrduPoint, 2025-08-01"."""
    from helpers.sources import seed_article

    article = seed_article(dict(claim))
    speaker = str(claim.get("speaker") or "").strip() if hasattr(claim, "get") else ""
    where = ", ".join(x for x in (article.publisher, article.date) if x)
    if speaker and where:
        return f"{speaker}, in {where}"
    return speaker or where or f"seeds/{claim.get('seed_file')}"


def subject_of(label: str, claims: pd.DataFrame | None) -> str:
    """``label`` with every claim id in it replaced by the claim's subject (ids are for Source lines)."""
    from helpers.glance import readable_label

    if claims is None or claims.empty or "subject" not in claims:
        return label
    return readable_label(label, dict(zip(claims["id"].astype(str), claims["subject"].astype(str), strict=False)))


def with_gaps(series: pd.Series) -> pd.Series:
    """A yearly series over every year from its first to its last: missing years are NaN, so a line drawn
    through it breaks there instead of joining the years on either side."""
    if series.empty:
        return series
    years = [int(y) for y in series.index]
    full = series.copy()
    full.index = years
    full = full.reindex(range(min(years), max(years) + 1))
    full.name, full.attrs = series.name, dict(series.attrs)
    return full


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
    width = fig.get_size_inches()[0]
    text = _wrap(source, int(width * 12.5))  # about 12.5 characters an inch at SOURCE_SIZE points
    height = fig.get_size_inches()[1]
    bottom = min(0.45, (0.19 * (text.count("\n") + 1) + 0.12) / height)  # room for the Source lines
    fig.tight_layout(rect=(0, bottom, 1, 1))
    fig.text(0.01, 0.01, text, fontsize=SOURCE_SIZE, color=SOURCE_COLOUR, ha="left", va="bottom")
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


def money_axis(ax: Axes, axis: str, currency: str) -> None:
    """Format a log money axis in ``currency`` as $1 billion, $2 billion, $5 billion... (no minor labels)."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    decades = math.log10(high / low) if low > 0 and high > low else 0.0
    subs = (1.0,) if decades > 2.5 else (1.0, 2.0, 5.0)  # 1-2-5 steps only where they do not crowd
    target.set_major_locator(mticker.LogLocator(base=10, subs=subs))
    target.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.tick(v, currency) if v > 0 else ""))
    target.set_minor_formatter(mticker.NullFormatter())


def count_axis(ax: Axes, axis: str = "y") -> None:
    """Plain numbers with thousands separators on a (log) axis of counts, never TeX powers of ten."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    target.set_minor_formatter(mticker.NullFormatter())


def magnitude_chart(money_claims: pd.DataFrame) -> Figure:
    """Every money claim on a log axis as a point (a range as a span between two points), labelled by its
    subject; targets in red. The claims must share one currency (convert them first with
    ``helpers.fx.claims_in_usd``). No bars: on a log axis a bar's length depends on where the axis starts."""
    frame = money_claims.sort_values("value_high")
    found = sorted({vocab.currency_of(u) or u for u in frame["unit"]})
    if len(found) != 1:
        raise ConversionError(f"the magnitude chart needs claims in one currency (got {', '.join(found)}). "
                              "Fix: convert them first with helpers.fx.claims_in_usd")
    currency = found[0]
    top, bottom = frame.iloc[-1], frame.iloc[0]
    orders = math.log10(top["value_high"] / bottom["value_low"]) if bottom["value_low"] > 0 else float("nan")
    title = (f"Claimed amounts span {orders:.1f} orders of magnitude, from "
             f"{text.amount(bottom['value_low'], currency)} to {text.amount(top['value_high'], currency)}")
    subtitle = (f"Money claims in the register, {text.currency_label(currency)}: stocks and yearly flows together, "
                f"labels say which; targets in red, ranges as spans. The axis is on a {LOG_NOTE}")
    fig, ax = new_chart(_wrap(title, 90), _wrap(subtitle, 100), size=(10.0, 0.5 * len(frame) + 2.6))
    for y, row in enumerate(frame.itertuples()):
        colour = PALETTE["target"] if row.claim_type == "target" else PALETTE["claim"]
        if row.value_high > row.value_low:
            ax.plot([row.value_low, row.value_high], [y, y], "-", color=colour, lw=5, alpha=0.35,
                    solid_capstyle="round")
            ax.plot([row.value_low, row.value_high], [y, y], "o", color=colour, ms=6)
        else:
            ax.plot([row.value_low], [y], "o", color=colour, ms=7)
        ax.text(row.value_high * 1.25, y, text.claim(row), va="center", fontsize=8.5)
    ax.set_xscale("log")
    ax.set_yticks(range(len(frame)), [_wrap(str(s), 44) for s in frame["subject"]], fontsize=8.5)
    ax.set_ylim(-0.6, len(frame) - 0.4)
    ax.set_xlim(frame["value_low"].min() / 2, frame["value_high"].max() * 12)  # room for the labels
    ax.set_xlabel(f"Amount, {text.currency_label(currency)} (log scale)")
    ax.grid(axis="y", color="#eeeeee")
    ax.set_axisbelow(True)
    money_axis(ax, "x", currency)
    return finish(fig, source_line(claims=frame))


def target_gap_chart(analysis, claims: pd.DataFrame, context: pd.DataFrame) -> Figure:
    """History, the required path and scenario paths of one target (a helpers.gap.GapAnalysis), log scale."""
    from helpers import econ, gap

    claim, target = analysis.claim, analysis.target
    goal = text.claim(claim)
    required = analysis.required
    if required is None:
        title = f"{claim['subject']}: {goal} by {analysis.target_year}, with no baseline to measure it from"
    else:
        title = f"{claim['subject']} must grow {gap.required_text(required)} to reach {goal}"
    subtitle = (f"Claimed by {said_by(claim)}; target year from {analysis.target_year_source}. "
                f"The vertical axis is on a {LOG_NOTE}")
    fig, ax = new_chart(_wrap(title, 90), _wrap(subtitle, 110), size=(9.0, 5.6))
    if analysis.history is not None:
        hist = with_gaps(analysis.history.series)
        ax.plot(hist.index, hist.values, "o-", color=PALETTE["history"], ms=4,
                label=f"history ({subject_of(str(hist.name), claims)})"[:70])
    if analysis.baseline is not None:
        base = analysis.baseline
        start_value = base.estimate.central
        for goal_value in sorted({v for v in (target.low, target.high) if v is not None}):
            rate = econ.required_cagr(start_value, goal_value, analysis.target_year - base.year)
            path = econ.growth_path(start_value, rate, base.year, analysis.target_year)
            ax.plot(path.index, path.values, "-", color=PALETTE["target"], lw=2,
                    label=f"required path ({text.rate(rate)} a year)")
        for rate in analysis.scenario_rates:
            path = econ.growth_path(start_value, rate, base.year, analysis.target_year)
            ax.plot(path.index, path.values, "--", color=PALETTE["scenario"], lw=1.2, alpha=0.9)
            ax.text(path.index[-1] + 0.2, path.values[-1], text.rate(rate), fontsize=8,
                    color="#8a6d1f", va="center")
        ax.plot([], [], "--", color=PALETTE["scenario"], label="scenarios (growth a year)")
        ax.plot([base.year], [start_value], "s", color=PALETTE["claim"], ms=8, label="baseline")
    for goal_value in {v for v in (target.low, target.high) if v is not None}:
        ax.plot([analysis.target_year], [goal_value], "*", color=PALETTE["target"], ms=14)
    ax.plot([], [], "*", color=PALETTE["target"], ms=12, label="target")
    ax.set_yscale("log")
    ax.set_ylabel(f"{claim['base_unit']}{' a year' if claim['per_year'] else ''} (log scale)")
    ax.set_xlabel("Year")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    currency = vocab.currency_of(claim["unit"])
    if currency is not None:
        money_axis(ax, "y", currency)
    else:
        count_axis(ax, "y")
    years = [analysis.target_year - 1]
    if analysis.baseline is not None:
        years.append(analysis.baseline.year)
    if analysis.history is not None:
        years.append(int(analysis.history.series.index[0]))
    ax.set_xlim(min(years) - 0.5, analysis.target_year + 1.5)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    used_claims = claims.loc[claims["id"].isin(analysis.claim_ids)]
    used_context = context.loc[context["id"].isin(analysis.context_ids)]
    notes = [analysis.history.series.attrs["note"]] if analysis.history is not None and \
        analysis.history.series.attrs.get("note") else []
    return finish(fig, source_line(used_claims, used_context, extra=notes))


def growth_bars(frame: pd.DataFrame, title: str, source: str, claims: pd.DataFrame | None = None) -> Figure:
    """Horizontal bars of growth rates a year (a linear axis from zero): columns ``label``, ``low``, ``high``,
    ``kind``; claim ids in labels or the title are shown as the claims' subjects when ``claims`` (register
    rows) is given.

    ``kind`` is ``required`` (red), ``history`` (dark) or ``benchmark`` (grey); a low-high span is drawn
    light behind the low bar.
    """
    title = subject_of(title, claims)
    frame = frame.assign(label=[subject_of(str(label), claims) for label in frame["label"]])
    colours = {"required": PALETTE["target"], "history": PALETTE["history"], "benchmark": PALETTE["benchmark"]}
    fig, ax = new_chart(_wrap(title, 90), "Compound growth a year, % (required by targets, achieved in history)",
                        size=(9.0, 0.42 * len(frame) + 2.4))
    for y, row in enumerate(frame.itertuples()):
        colour = colours.get(row.kind, PALETTE["claim"])
        ax.barh(y, row.low * 100, color=colour, height=0.6)
        if pd.notna(row.high) and row.high > row.low:
            ax.barh(y, (row.high - row.low) * 100, left=row.low * 100, color=colour, alpha=0.35, height=0.6)
        top = row.high if pd.notna(row.high) else row.low
        ax.text(top * 100 + 0.5, y, text.bounds(row.low, row.high if pd.notna(row.high) else row.low, text.rate),
                va="center", fontsize=8)
    ax.set_yticks(range(len(frame)), [_wrap(str(label), 50) for label in frame["label"]], fontsize=8.5)
    ax.axvline(0, color="#999999", lw=0.8)
    ax.set_xlabel("Growth a year (%)")
    ax.invert_yaxis()
    return finish(fig, source)


def _linear_money_axis(ax: Axes, axis: str, currency: str) -> None:
    """Format a linear money axis from zero: round steps, each tick in words with the digits it needs."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mticker.MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    target.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.tick(v, currency)))


def cumulative_paths_chart(totals: pd.DataFrame, labels: dict[str, str], whole: float, title: str,
                           subtitle: str, claims: pd.DataFrame, currency: str,
                           whole_label: str = "the claimed reserves") -> Figure:
    """Cumulative amounts of several paths (columns of ``totals``, indexed by year), with a right axis in % of
    ``whole``; each line ends with its total and share. ``claims`` are the register rows used (Source line)."""
    fig, ax = new_chart(str(_wrap(title, 95)), str(_wrap(subtitle, 125)), size=(10.0, 5.6))
    colours = [PALETTE["claim"], PALETTE["scenario"], PALETTE["target"], PALETTE["official"], PALETTE["history"]]
    styles = ["-", "--", "-", "-.", ":"]
    years = [int(y) for y in totals.index]
    for number, key in enumerate(totals.columns):
        values = totals[key].to_numpy(dtype=float)
        colour = colours[number % len(colours)]
        ax.plot(years, values, color=colour, linestyle=styles[number % len(styles)], linewidth=2, marker="o",
                markersize=3, label=str(labels.get(key, key)))
        ax.annotate(f"{text.amount(values[-1], currency)} = {text.share(values[-1] / whole)}",
                    xy=(years[-1], values[-1]), xytext=(6, 0), textcoords="offset points", va="center",
                    fontsize=8.5, color=colour)
    span = years[-1] - years[0]
    ax.set_xlim(years[0] - 0.5, years[-1] + max(2.8, 0.28 * (span + 1)))
    step = max(1, math.ceil((span + 1) / 10))
    ax.set_xticks(list(range(years[0], years[-1] + 1, step)))
    ax.set_ylim(0, float(totals.to_numpy().max()) * 1.1)
    ax.set_xlabel("Year (exports of every year up to and including it)")
    ax.set_ylabel(f"Cumulative exports, {text.currency_label(currency)}")
    _linear_money_axis(ax, "y", currency)
    right = ax.secondary_yaxis("right", functions=(lambda v: v / whole * 100.0, lambda p: p * whole / 100.0))
    right.set_ylabel(f"Share of {whole_label}, %")
    right.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.grid(axis="y", color="#e5e5e5")
    return finish(fig, source_line(claims=claims))


def flow_bars_chart(bars: pd.DataFrame, title: str, subtitle: str, claims: pd.DataFrame,
                    context: pd.DataFrame | None, currency: str) -> Figure:
    """Horizontal bars of yearly amounts: ``bars`` has label, low, high, kind (claim/target/reported) and
    confidence; ranges are drawn as a solid part to ``low`` and a light span to ``high``; figures of low
    confidence are hatched; a legend names the kinds shown. The Source line names the claims and the context
    rows (``context``) used."""
    from matplotlib.patches import Patch

    colours = {"claim": PALETTE["claim"], "target": PALETTE["target"], "reported": PALETTE["official"]}
    names = {"claim": "claim", "target": "target (light: rest of the range)", "reported": "reported figure"}
    fig, ax = new_chart(str(_wrap(title, 95)), str(_wrap(subtitle, 100)),
                        size=(10.0, 0.6 * len(bars) + 2.6))
    top = float(bars["high"].max())
    for y, row in enumerate(bars.itertuples()):
        colour = colours.get(row.kind, PALETTE["benchmark"])
        hatch = "//" if row.confidence == "low" else None
        ax.barh(y, row.low, color=colour, height=0.6, hatch=hatch, edgecolor="white" if hatch else None)
        if row.high > row.low:
            ax.barh(y, row.high - row.low, left=row.low, color=colour, alpha=0.35, height=0.6)
        ax.text(row.high + top * 0.01, y, text.bounds(row.low, row.high, unit=currency),
                va="center", fontsize=8.5)
    ax.set_yticks(range(len(bars)), [str(_wrap(str(label), 48)) for label in bars["label"]],
                  fontsize=8.5)
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel(f"{text.currency_label(currency)} a year")
    _linear_money_axis(ax, "x", currency)
    handles = [Patch(color=colours[kind], label=names[kind]) for kind in colours if kind in set(bars["kind"])]
    if bars["confidence"].eq("low").any():
        handles.append(Patch(facecolor=PALETTE["benchmark"], hatch="//", edgecolor="white", label="low confidence"))
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8.5)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    return finish(fig, source_line(claims=claims, context=context))
