"""Currency conversion with the rate shown: amounts keep their currency until a report converts them.

``data/fx_rates.csv`` holds dated rates (``per_usd`` = units of the currency per US dollar) with their
source. ``to_usd`` picks the latest rate dated on or before the amount's date and returns it beside the
converted amount, so a report can print which rate it used; nothing converts silently. A date given as a
year or a month ("2025", "2025-08") stands for the last day of that period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd

from helpers import paths, vocab
from helpers.datafiles import read_rows
from helpers.errors import ContextDataError, ConversionError, Problem

RATE_COLUMNS: list[str] = ["currency", "per_usd", "date", "source", "source_url", "note"]
_CODE = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def load_rates(path: Path = paths.RATES) -> pd.DataFrame:
    """The rate table, validated (every problem listed at once); ``date`` as datetime64, sorted.

    Rules: three-letter upper-case currency codes; ``per_usd`` a positive number; ISO dates; one rate per
    currency and date; a USD row equal to 1; a source on every row; an empty ``source_url`` only when the
    note says the rate is to verify.
    """
    path = Path(path)
    problems: list[Problem] = []
    rows = read_rows(path, RATE_COLUMNS, problems, what="rate table")
    if not rows and problems:
        raise ContextDataError(problems, f"{path.name} has {len(problems)} problem(s)")
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        def add(field: str, message: str, fix: str, code: str, _n: int = number, _r: dict = row) -> None:
            problems.append(Problem(str(path), _n, field, _r.get(field), message, fix, code))

        code, date = row.get("currency", ""), row.get("date", "")
        if not _CODE.match(code):
            add("currency", "not an ISO 4217 code", "write the three-letter code in capitals, e.g. PKR",
                "bad-currency")
        try:
            rate = float(row.get("per_usd", ""))
            if not math.isfinite(rate) or rate <= 0:
                raise ValueError
        except ValueError:
            add("per_usd", "not a positive number", "write units of the currency per US dollar, e.g. 281.43",
                "bad-rate")
            rate = None
        if code == vocab.USD and rate is not None and rate != 1:
            add("per_usd", f"the {vocab.USD} rate must be 1", f"set per_usd to 1 for {vocab.USD}", "usd-not-one")
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            add("date", "not a date", "write the rate's date as YYYY-MM-DD", "bad-date")
        if (code, date) in seen:
            add("date", f"second {code} rate for this date (row {seen[(code, date)]})",
                "keep one rate per currency and date", "duplicate-rate")
        seen.setdefault((code, date), number)
        if "source" in row and not row["source"]:
            add("source", "source is empty", "name the publisher of the rate", "empty-source")
        if code != vocab.USD and not row.get("source_url") and "verify" not in row.get("note", "").lower():
            add("source_url", "no URL and the note does not say the rate is to verify",
                "give the URL where the rate was read, or write 'rate to verify' in note", "unsourced-rate")
    if rows and not any(row.get("currency") == vocab.USD for _, row in rows):
        problems.append(Problem(str(path), None, "currency", None, f"no {vocab.USD} row",
                                f"add a row: {vocab.USD},1,1900-01-01,definition,,the US dollar itself", "missing-usd"))
    if problems:
        raise ContextDataError(problems, f"{path.name} has {len(problems)} problem(s)")
    frame = pd.DataFrame([row for _, row in rows], columns=RATE_COLUMNS)
    frame["per_usd"] = frame["per_usd"].astype(float)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    frame = frame.sort_values(["currency", "date"], ignore_index=True)
    frame.attrs["source_file"] = str(path)
    return frame


def _as_date(on_date: object, who: str) -> dt.date:
    """``on_date`` as a date; a bare year or month is its last day."""
    if on_date is None or (not isinstance(on_date, str) and pd.isna(on_date)):
        raise ConversionError(f"{who}: no date given. Fix: give the claim's date (as_of) as YYYY, YYYY-MM or "
                              "YYYY-MM-DD")
    if isinstance(on_date, dt.datetime):
        return on_date.date()
    if isinstance(on_date, dt.date):
        return on_date
    match = _DATE.match(str(on_date).strip())
    if match:
        year, month, day = int(match[1]), match[2], match[3]
        try:
            if day:
                return dt.date(year, int(month), int(day))
            if month:
                return dt.date(year, int(month), calendar.monthrange(year, int(month))[1])
            return dt.date(year, 12, 31)
        except ValueError:
            pass
    raise ConversionError(f"{who}: the date {on_date!r} is not a date. Fix: give the claim's date (as_of) as "
                          "YYYY, YYYY-MM or YYYY-MM-DD")


def rate_for(currency: str, on_date: object, rates: pd.DataFrame, who: str = "amount",
             max_age_days: int | None = None) -> dict[str, object]:
    """The rate row to convert an amount in ``currency`` dated ``on_date``: the latest rate dated on or before it.

    The row has currency, per_usd, date, source, source_url, note and age_days (days between the rate and
    ``on_date``), for the report to show. ConversionError naming ``who`` when the currency has no rate, no
    rate is dated on or before the date, or (with ``max_age_days``) the nearest rate is older than that.
    """
    source = paths.shown(Path(rates.attrs.get("source_file", paths.RATES)))
    when = _as_date(on_date, who)
    table = rates.loc[rates["currency"].eq(currency)]
    if table.empty:
        raise ConversionError(f"{who}: no {currency} rate in {source} to convert an amount dated {when}. "
                              f"Fix: add a {currency} row (currency,per_usd,date,source,source_url,note) dated on "
                              f"or before {when}, with its source")
    earlier = table.loc[table["date"].dt.date.le(when)]
    if earlier.empty:
        first = table["date"].min().date()
        raise ConversionError(f"{who}: no {currency} rate in {source} dated on or before {when} (earliest {first}). "
                              f"Fix: add a {currency} row dated on or before {when}, with its source")
    chosen = earlier.sort_values("date").iloc[-1]
    age = (when - chosen["date"].date()).days
    if currency != vocab.USD and max_age_days is not None and age > max_age_days:
        raise ConversionError(f"{who}: the latest {currency} rate before {when} is from {chosen['date'].date()}, "
                              f"{age} days earlier (limit {max_age_days}). Fix: add a {currency} rate closer to "
                              f"{when} to {source}")
    return {"currency": currency, "per_usd": float(chosen["per_usd"]), "date": chosen["date"].date().isoformat(),
            "source": chosen["source"], "source_url": chosen["source_url"], "note": chosen["note"], "age_days": age}


def to_usd(amount: float, unit: str, on_date: object, rates: pd.DataFrame, claim_id: str = "",
           max_age_days: int | None = None) -> tuple[float, dict[str, object]]:
    """``amount`` in ``unit`` converted to US dollars with the rate ``rate_for`` picks for ``on_date``.

    Returns ``(usd_amount, rate_row)``. Raises ConversionError naming ``claim_id`` when the amount is not a
    number, the unit is not money, or there is no usable rate.
    """
    who = f"claim {claim_id}" if claim_id else "amount"
    try:
        value = float(amount)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ConversionError(f"{who}: the amount {amount!r} is not a number. Fix: give the claim's value")
    code = vocab.currency_of(unit)
    if code is None:
        raise ConversionError(f"{who}: unit {unit!r} is not a currency, so it cannot be converted to US dollars. "
                              f"Fix: convert only money amounts (a currency of {paths.shown(paths.UNITS)}, e.g. "
                              "PKR, PKR/yr, USD, CNY)")
    rate = rate_for(code, on_date, rates, who, max_age_days)
    return vocab.Amount(value, value, value, unit).to_usd(rate).value, rate


CONVERSION_COLUMNS: list[str] = ["claim", "amount", "unit", "as_of", "per_usd", "rate_date", "rate_source",
                                 "amount_usd"]


def claims_in_usd(claims: pd.DataFrame, rates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The register with every money amount in US dollars, and the table of conversions made.

    Non-money claims and USD claims are unchanged. Each converted claim keeps its original amount in the
    conversions table (rate, its date and source), so a report can show the rate used: nothing converts
    silently. Raises ConversionError naming every claim whose currency or date has no rate.
    """
    frame = claims.copy()
    records, errors = [], []
    for index, row in claims.iterrows():
        amount = vocab.Amount.from_row(row)
        code = amount.currency
        if code is None or code == vocab.USD:
            continue
        try:
            rate = rate_for(code, row["as_of"], rates, f"claim {row['id']}")
        except ConversionError as error:
            errors.append(str(error))
            continue
        usd = amount.to_usd(rate)
        for column, value in (("value", usd.value), ("value_low", usd.low), ("value_high", usd.high)):
            if column in frame.columns and not pd.isna(row[column]):
                frame.at[index, column] = value
        frame.at[index, "unit"] = usd.unit
        if "base_unit" in frame.columns:
            frame.at[index, "base_unit"] = vocab.base_unit(usd.unit)
        records.append({"claim": row["id"], "amount": amount.central, "unit": row["unit"], "as_of": row["as_of"],
                        "per_usd": rate["per_usd"], "rate_date": rate["date"], "rate_source": rate["source"],
                        "amount_usd": usd.central})
    if errors:
        raise ConversionError(f"{len(errors)} claim(s) cannot be converted to US dollars:\n" +
                              "\n".join(f"  - {e}" for e in errors))
    return frame, pd.DataFrame(records, columns=CONVERSION_COLUMNS)
