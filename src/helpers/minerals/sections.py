"""The minerals report, section by section: its tables, charts, key figures and sentences, all computed.

The notebook ``20_minerals`` only sets its parameters and calls these sections in order; every sentence,
figure name and series key lives here. The claims come from the register by topic and subject
(``roles.find_claims``), converted to US dollars with the dated rates (``helpers.fx``) when an article
states them in another currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import helpers.minerals.exports as exports
import helpers.minerals.figures as figures
from helpers import charts, fx, gap, paths, text
from helpers import claims as register
from helpers import context as ctx
from helpers.minerals.roles import FoundClaims, find_claims, headline
from helpers.outputs import Report

#: The claim-series keys (data/claim_series.csv) of the figures the report sets the claims against.
OUTPUT_SERIES = "pk_mineral_output_wmd"  # value of all mineral output (calendar year)
VALUE_ADDED_SERIES = "pk_mining_value_added_fy"  # mining and quarrying value added (fiscal year)
PAST_EXPORTS_SERIES = "pk_mineral_exports"  # an earlier reported figure of mineral exports
PROJECT_COST_SERIES = "reko_diq_total_cost"  # the largest project's development cost


@dataclass
class MineralsReport:
    """The data the sections share, and the report they write to."""

    report: Report
    claims: pd.DataFrame
    conversions: pd.DataFrame
    context: pd.DataFrame
    mapping: pd.DataFrame
    found: FoundClaims

    @classmethod
    def load(cls, output_dir: str, claims_path: str = "") -> MineralsReport:
        """Read the register (converted to US$), the context figures and the mapping; find the claims."""
        report = Report(output_dir, "20_minerals")
        raw = register.load_claims(Path(claims_path) if claims_path else paths.CLAIMS)
        claims, conversions = fx.claims_in_usd(raw, fx.load_rates())
        context = ctx.load_context()
        mapping = ctx.load_claim_series(context=context)
        return cls(report, claims, conversions, context, mapping, find_claims(claims))

    def used(self, ids: tuple[str, ...] | list[str] | None = None) -> pd.DataFrame:
        """The register rows of the report's claims (or of ``ids``)."""
        return self.claims.loc[self.claims["id"].isin(list(ids if ids is not None else self.found.ids))]

    def claim(self, claim_id: str) -> pd.Series:
        """One register row."""
        return register.get_claim(self.claims, claim_id)

    # --- sections -----------------------------------------------------------------------------------

    def show_claims(self) -> None:
        """The four claims, with the restatements left aside and any currency conversion."""
        used = self.used()
        self.report.table(used.drop(columns=["per_year", "base_unit"]), "mineral_claims",
                          show=register.readable_table(used))
        for role, ids in self.found.others.items():
            earlier = "; ".join(f"{text.claim(self.claim(i))} ({charts.said_by(self.claim(i))})" for i in ids)
            self.report.say(f"Earlier statements of the same {role.replace('_', ' ')} are left aside for the most "
                            f"recent one: {earlier}.")
        conversions = self.conversions.loc[self.conversions["claim"].isin(self.found.ids)]
        if not conversions.empty:
            self.report.say(register.conversion_sentence(conversions, self.claims))

    def show_headline(self) -> None:
        """Today's exports as a share of the claimed reserves, and the years to export them."""
        top = headline(self.claims, self.found)
        share = self.report.figure("exports_share_of_reserves_per_year",
                                   "Exports a year as a share of the claimed reserves", top.share_per_year,
                                   "fraction/yr", top.claim_ids)
        years = self.report.figure("years_to_export_reserves",
                                   "Years at the current export pace to export the reserves' value",
                                   top.years_to_export, "years", top.claim_ids)
        self.report.say(
            f"The claimed reserves are worth {text.claim(self.claim(self.found.reserves))} (a stock, valued in the "
            f"ground); mineral exports are {text.claim(self.claim(self.found.exports))} (a yearly flow). One year "
            f"of exports equals {text.rate(share)} of the reserves' claimed value; at that pace, exports would "
            f"add up to that value after {text.amount(years, 'years')}. This compares scale only: exported "
            "minerals are valued at their export price, reserves at whatever price the speaker assumed.")
        self.report.summarise(
            f"Reserves against exports: the claimed reserves are worth {text.claim(self.claim(self.found.reserves))}"
            f" and mineral exports are {text.claim(self.claim(self.found.exports))}, so one year of exports is "
            f"{text.rate(share)} of the reserves' claimed value; at that pace, exporting it would take "
            f"{text.amount(years, 'years')} (a comparison of scale: the two are valued at different prices).")

    def show_paths(self, base_year: int, by_year: int, ramp_years: int) -> None:
        """Export paths to the ambition and the share of the reserves each would export by ``by_year``."""
        top = headline(self.claims, self.found)
        analysis = gap.analyse_target(self.claims, self.context, self.mapping, ctx.benchmark_growth(self.context),
                                      self.found.exports_target, horizon_years=ramp_years)
        for item in gap.required_figures(analysis):
            self.report.figure(**item)
        required = analysis.required
        rates = None
        if required is not None and analysis.baseline is not None and analysis.baseline.year == base_year \
                and analysis.years == ramp_years:
            rates = [required.low, required.high] if required.low != required.high else [required.low]
        if analysis.range is not None and analysis.range.central is not None:
            ranged = analysis.range
            self.report.summarise(
                f"The export ambition of {text.claim(self.claim(self.found.exports_target))} needs "
                f"{text.rate(ranged.central)} a year ({text.bounds(ranged.low, ranged.high, text.rate)} over the "
                f"baselines) to be met by {analysis.target_year}; verdict: {gap.rating(analysis).lower()}.")
        self.report.say(f"The export ambition's required growth, from its own analysis (the target-gap report "
                        f"reads the same): {analysis.range.text() if analysis.range else 'not measurable'}; "
                        f"{gap.rating(analysis).lower()}. {gap.data_through(analysis)}")
        export_paths = exports.define_paths(self.claims, base_year, ramp_years, self.found, rates)
        levels = exports.path_levels(export_paths, base_year, by_year)
        summary = exports.path_summary(export_paths, levels, top.reserves)
        for item in exports.path_figures(export_paths, summary, self.found.reserves):
            self.report.figure(**item)
        self.report.say(exports.paths_sentence(summary))
        self.report.table(summary, "export_paths", show=exports.readable_paths(summary))
        subtitle = (f"Cumulative mineral exports {base_year}-{by_year} by path, {text.currency_label(top.currency)} "
                    f"(left) and as a share of the claimed {text.amount(top.reserves, top.currency)} of reserves "
                    f"(right); ramps reach the ambition in {base_year + ramp_years}")
        self.report.chart(charts.cumulative_paths_chart(
            exports.cumulative(levels), {p.key: p.label for p in export_paths}, top.reserves,
            exports.paths_finding(summary), subtitle,
            self.used((self.found.reserves, self.found.exports, self.found.exports_target)), top.currency))
        yearly = exports.yearly_table(export_paths, levels, top.reserves)
        self.report.table(yearly, "export_paths_by_year", show=exports.readable_yearly(yearly))

    def show_context(self) -> None:
        """The claims beside the reported figures for the sector, and what the ambition is a share of."""
        found = self.found
        linked = figures.linked_figures(self.context, self.mapping, found.ids)
        table = figures.figures_table(self.claims, linked, found.ids)
        self.report.table(table, "claims_and_figures", show=figures.figures_view(table, self.claims))
        comparisons = figures.compare_with_figures(self.claims, linked)
        self.report.table(comparisons, "comparisons", show=figures.readable_comparisons(comparisons, self.claims))
        output = figures.comparison(comparisons, found.exports_target, OUTPUT_SERIES)
        value_added = figures.comparison(comparisons, found.exports_target, VALUE_ADDED_SERIES)
        past = figures.comparison(comparisons, found.exports, PAST_EXPORTS_SERIES)
        stock = figures.comparison(comparisons, found.reserves, OUTPUT_SERIES)
        target = [found.exports_target]
        for side in ("low", "high"):
            self.report.figure(f"ambition_share_of_mineral_output_{side}",
                               f"{side.capitalize()} end of the ambition as a share of mineral output",
                               output[f"ratio_{side}"], "fraction", target, [output["context_id"]])
        for side in ("low", "high"):
            self.report.figure(f"ambition_share_of_mining_value_added_{side}",
                               f"{side.capitalize()} end of the ambition as a share of mining and quarrying value "
                               "added (fiscal year)", value_added[f"ratio_{side}"], "fraction", target,
                               [value_added["context_id"]])
        self.report.figure("exports_multiple_of_earlier_exports",
                           "Claimed exports as a multiple of the earlier reported figure", past["ratio_low"],
                           "multiple", [found.exports], [past["context_id"]])
        self.report.figure("reserves_years_of_mineral_output", "Claimed reserves in years of total mineral output",
                           stock["ratio_low"], "years", [found.reserves], [stock["context_id"]])

        def figure(row: pd.Series) -> str:
            return f"{text.reported(row['figure'], row['figure_unit'])}, {row['confidence']} confidence"

        self.report.say(
            f"The ambition of {text.claim(self.claim(found.exports_target))} is {figures.ratio_text(output)} of the "
            f"value of all mineral output in {figures.period_text(output)} ({figure(output)}), and "
            f"{figures.ratio_text(value_added)} of mining and quarrying value added in "
            f"{figures.period_text(value_added)} ({figure(value_added)}). Today's claimed exports are "
            f"{figures.ratio_text(past)} the figure reported for {figures.period_text(past)} ({figure(past)}). The "
            f"claimed reserves are worth {figures.ratio_text(stock)} the value of all mineral output in "
            f"{figures.period_text(stock)}.")
        flow_ids = (found.exports, found.exports_target)
        bars = figures.flow_bars(self.claims, linked, flow_ids)
        currency = headline(self.claims, self.found).currency
        self.report.chart(charts.flow_bars_chart(
            bars, figures.ambition_finding(self.claims, comparisons, OUTPUT_SERIES, found.exports_target),
            f"{text.currency_label(currency)} a year: the claimed exports and the ambition beside reported figures "
            "for the sector", self.used(list(bars["id"])),
            linked.loc[linked["id"].isin(bars["id"])].drop_duplicates("id"), currency))

    def show_projects(self) -> None:
        """The named projects (Reko Diq, Saindak) beside the investment target."""
        found = self.found
        projects = figures.project_figures(self.context)
        project_table = figures.figures_table(self.claims, projects, claim_ids=())
        self.report.table(project_table, "project_figures", show=figures.figures_view(project_table, self.claims))
        linked = figures.linked_figures(self.context, self.mapping, found.ids)
        comparisons = figures.compare_with_figures(self.claims, linked)
        cost = figures.comparison(comparisons, found.investment_target, PROJECT_COST_SERIES)
        self.report.figure("investment_target_multiple_of_reko_diq_cost",
                           "Investment target as a multiple of Reko Diq's cost", cost["ratio_low"], "multiple",
                           [found.investment_target], [cost["context_id"]])
        names = list(projects["project"].unique())
        self.report.say(
            f"The platform's aim to unlock {text.claim(self.claim(found.investment_target))} of investment is "
            f"{figures.ratio_text(cost)} the {figures.indicator_text(cost)} "
            f"({text.reported(cost['figure'], cost['figure_unit'])}, {figures.period_text(cost)}, "
            f"{cost['confidence']} confidence). The data hold {len(projects)} figures on {len(names)} projects "
            f"({', '.join(names)}), {int(projects['confidence'].eq('low').sum())} of them of low confidence.")

    def finish(self) -> None:
        """Write the key figures."""
        self.report.finish()
