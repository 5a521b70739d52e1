"""Human formatting of numbers for report text and tables (one place, so every report reads alike)."""

from __future__ import annotations

import math

_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_SYMBOLS = {"USD": "$", "PKR": "Rs ", "CNY": "¥", "EUR": "€", "GBP": "£"}


def amount(value: float | None, unit: str = "USD", digits: int = 1) -> str:
    """``6e12, "USD"`` -> ``"$6.0 trillion"``; ``2e9, "USD/yr"`` -> ``"$2.0 billion a year"``; counts plain."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    per_year = unit.endswith("/yr")
    base = unit.removesuffix("/yr")
    suffix = " a year" if per_year else ""
    if base == "percent":
        return f"{value:.{digits}f}%{suffix}"
    if base.isupper() and len(base) == 3:  # an ISO currency code
        prefix = _SYMBOLS.get(base, f"{base} ")
        for scale, word in _SCALES[:3]:
            if abs(value) >= scale:
                return f"{prefix}{value / scale:,.{digits}f} {word}{suffix}"
        return f"{prefix}{value:,.0f}{suffix}"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"
    return f"{text} {base}{suffix}".strip()


def rate(value: float | None, digits: int = 1) -> str:
    """A growth rate as a fraction -> ``"36.7%"``."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def share(value: float | None, significant: int = 2) -> str:
    """A small fraction as a percentage with ``significant`` figures: 0.000333 -> "0.033%", 0.0067 -> "0.67%"."""
    if value is None or not math.isfinite(value):
        return "n/a"
    percent = value * 100.0
    if percent == 0:
        return "0%"
    digits = max(0, significant - 1 - math.floor(math.log10(abs(percent))))
    return f"{percent:.{digits}f}%"


def multiple(value: float | None, digits: int = 1) -> str:
    """A ratio -> ``"16.7x"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}x"


def bounds(low: float | None, high: float | None, formatter=amount, **kwargs) -> str:
    """One value, or ``"low to high"`` when the two differ (for ranges); "a year" is said once, at the end."""
    if low is None or high is None or math.isclose(low, high):
        return formatter(low if low is not None else high, **kwargs)
    unit = kwargs.get("unit", "")
    if formatter is amount and unit.endswith("/yr"):
        plain = {**kwargs, "unit": unit.removesuffix("/yr")}
        return f"{amount(low, **plain)} to {amount(high, **plain)} a year"
    return f"{formatter(low, **kwargs)} to {formatter(high, **kwargs)}"


QUALIFIER_WORDS = {"exact": "", "range": "", "approximate": "about ", "lower_bound": "more than ",
                   "upper_bound": "up to "}


def claim_amount(low: float, high: float, unit: str, qualifier: str) -> str:
    """A claim's amount as a reader says it: ``"about $6.0 trillion"``, ``"$6.0 billion to $8.0 billion a year"``."""
    per_year = unit.endswith("/yr")
    base = unit.removesuffix("/yr")
    text = bounds(low, high, unit=base)
    return QUALIFIER_WORDS.get(qualifier, "") + text + (" a year" if per_year else "")
