"""The register claims the minerals report is about, found by topic, subject and claim type (never by id).

A role names what the report needs -- the claimed value of the mineral resources (a stock), current mineral
exports (a yearly flow), the export ambition (a target of the same measure) and the investment target -- and
how to recognise it in the register: its topic, words its subject contains, its claim types and its economy.
When several claims fill a role (the same figure restated by a later article), the most recent statement
(``as_of``) is used, and the earlier ones are listed in ``FoundClaims.others``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from helpers import econ, paths, vocab
from helpers.claims import get_claim
from helpers.errors import MineralsError, ParameterError


@dataclass(frozen=True)
class Role:
    """How to recognise the claim that fills one part of the report."""

    name: str  # reserves | exports | exports_target | investment_target
    description: str  # for messages: "the value of the mineral resources"
    topic: str
    subject: str  # a regular expression the claim's subject must match (case-insensitive)
    claim_types: tuple[str, ...]
    geo: str = "Pakistan"


ROLES: tuple[Role, ...] = (
    Role("reserves", "the value of the mineral resources", "minerals",
         r"\bminer(?:al|als)\b.*\b(?:resources?|reserves?|wealth|deposits?)\b", ("estimate", "fact")),
    Role("exports", "current mineral exports", "minerals", r"\bmineral exports?\b", ("fact", "estimate")),
    Role("exports_target", "the mineral export ambition", "minerals", r"\bmineral exports?\b", ("target",)),
    Role("investment_target", "the investment target for the mineral sector", "investment",
         r"\bminer(?:al|als|ing)\b", ("target",)),
)


@dataclass(frozen=True)
class FoundClaims:
    """The claim id filling each role, and the earlier statements left aside."""

    reserves: str
    exports: str
    exports_target: str
    investment_target: str
    others: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ids(self) -> tuple[str, str, str, str]:
        """The four claims, in the order the report shows them."""
        return (self.reserves, self.exports, self.exports_target, self.investment_target)


def matches(claims: pd.DataFrame, role: Role) -> pd.DataFrame:
    """The register rows that fill ``role``, most recent statement first."""
    if claims.empty:
        return claims
    pattern = re.compile(role.subject, re.IGNORECASE)
    hit = (claims["topic"].eq(role.topic) & claims["claim_type"].isin(role.claim_types)
           & claims["geo"].eq(role.geo) & claims["subject"].map(lambda s: bool(pattern.search(str(s)))))
    return claims.loc[hit].sort_values("as_of", ascending=False, kind="stable", key=lambda s: s.astype(str))


def find_claims(claims: pd.DataFrame) -> FoundClaims:
    """The claims of every role; MineralsError naming each role no claim fills and how to add one."""
    chosen: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    missing = []
    for role in ROLES:
        found = matches(claims, role)
        if found.empty:
            missing.append(f"{role.description} (topic {role.topic!r}, claim type {' or '.join(role.claim_types)}, "
                           f"geo {role.geo!r}, a subject matching {role.subject!r})")
            continue
        chosen[role.name] = str(found.iloc[0]["id"])
        others[role.name] = [str(i) for i in found["id"].iloc[1:]]
    if missing:
        raise MineralsError(f"{paths.shown(paths.CLAIMS)}: no claim states {'; nor '.join(missing)}. Fix: add the "
                            "claim to the register with that topic, type and subject, or correct the topic or "
                            "subject of the claim that states it")
    return FoundClaims(**chosen, others={k: v for k, v in others.items() if v})


def check_years(base_year: int, by_year: int, ramp_years: int = 1) -> None:
    """Raise ParameterError listing every problem with the report's years; None when they fit together."""
    problems = []
    if by_year < base_year:
        problems.append(f"parameter 'by_year' = {by_year!r} is before base_year = {base_year!r}, so no year of "
                        f"exports would be counted. Fix: give a by_year of {base_year} or later (or an earlier "
                        "base_year)")
    if ramp_years < 1:
        problems.append(f"parameter 'ramp_years' = {ramp_years!r} must be at least 1 (the years a ramp takes "
                        "to reach the target). Fix: give a whole number of years >= 1")
    if problems:
        raise ParameterError(problems, notebook="20_minerals")


def money_claim(claims: pd.DataFrame, claim_id: str, per_year: bool) -> pd.Series:
    """The claim, checked to be a positive amount of money that is (or is not) a yearly flow."""
    claim = get_claim(claims, claim_id)
    unit = str(claim["unit"])
    wanted = "a yearly amount of money (unit like 'USD/yr')" if per_year else "a stock of money (unit like 'USD')"
    if not vocab.is_money(unit) or vocab.is_per_year(unit) != per_year:
        raise MineralsError(f"claims register, claim {claim_id!r}, field 'unit' (value: {unit!r}): the report "
                            f"needs {wanted}. Fix: correct the claim's unit in the register, or point the report "
                            "at the right claim")
    if pd.isna(claim["value_low"]) or pd.isna(claim["value_high"]) or claim["value_low"] <= 0:
        raise MineralsError(f"claims register, claim {claim_id!r}, field 'value' (value: {claim['value']!r}): "
                            "the report needs a positive amount. Fix: fill value (or value_low and value_high)")
    return claim


@dataclass(frozen=True)
class Headline:
    """Yearly exports against the claimed reserves (a stock against a flow, in the same currency)."""

    reserves: float  # stock, currency units
    exports: float  # flow, currency units a year
    share_per_year: float  # exports / reserves: the fraction of the reserves' value exported each year
    years_to_export: float  # reserves / exports: years at the current pace to export the reserves' value
    currency: str
    claim_ids: tuple[str, str]


def headline(claims: pd.DataFrame, found: FoundClaims | None = None) -> Headline:
    """Exports per year as a share of the reserves, and years at that pace to export the reserves' value."""
    found = found or find_claims(claims)
    stock = money_claim(claims, found.reserves, per_year=False)
    flow = money_claim(claims, found.exports, per_year=True)
    stock_currency, flow_currency = vocab.currency_of(stock["unit"]), vocab.currency_of(flow["unit"])
    if stock_currency != flow_currency:
        raise MineralsError(f"claims register, claim {found.exports!r}, field 'unit' (value: {flow['unit']!r}): "
                            f"in {flow_currency}, but {found.reserves!r} is in {stock_currency}. Fix: state both "
                            "claims in one currency (convert with helpers.fx.claims_in_usd)")
    reserves, exports = vocab.Amount.from_row(stock).central, vocab.Amount.from_row(flow).central
    return Headline(reserves, exports, econ.implied_share(exports, reserves), reserves / exports,
                    str(stock_currency), (found.reserves, found.exports))
