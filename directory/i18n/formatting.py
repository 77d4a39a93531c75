"""Numbers, prices, distances and dates written for the reader's locale (Babel), as Jinja filters.

Every page formats through these filters, so French reads "78,0" and "14 mai 2026" and no
template formats a number or a date by hand.
"""

from __future__ import annotations

import copy
import functools
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale


def _locale() -> Locale:
    return get_locale() or Locale.parse("en")


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def number(value, digits: int = 0) -> str:
    """Return a number with exactly ``digits`` decimals in the reader's locale ("78,0")."""
    if value is None:
        return ""
    return _decimal(value, "#,##0" + ("." + "0" * digits if digits else ""), _locale())


# Kept once formatted, as prices below: Babel takes tens of µs a value, and a page writes
# dozens of scores, points, distances and dates, many of them alike.
@functools.lru_cache(maxsize=4096)
def _decimal(value, pattern: str, locale: Locale) -> str:
    return format_decimal(value, format=pattern, locale=locale)


@functools.lru_cache(maxsize=4096)
def _date(day: date, style: str, locale: Locale) -> str:
    return format_date(day, format=style, locale=locale)


def score(value) -> str:
    """Return a vetting score as the site shows it: one decimal ("78.0", "78,0")."""
    return number(value, 1)


def points(value) -> str:
    """Return checklist points with at most two decimals ("2", "1,5")."""
    if value is None:
        return ""
    return _decimal(value, "#,##0.##", _locale())


def distance(value) -> str:
    """Return a distance in kilometres, one decimal, without the unit."""
    return number(value, 1)


def date_text(value, style: str = "medium") -> str:
    """Return a date written for the reader ("14 May 2026", "14 mai 2026"), or the text given."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return _date(day, style, _locale())


def iso_date(value) -> str:
    """Return the ISO date for a <time datetime> attribute."""
    day = _as_date(value)
    return day.isoformat() if day else ""


@functools.cache
def _price_pattern(locale: Locale):
    # The locale's currency pattern, but whole amounts without ".00".
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 2)
    return pattern


def money(amount, currency: str | None) -> str:
    """Return an amount with its currency in the reader's locale ("£200", "200 £GB")."""
    if amount is None:
        return ""
    if not currency:
        return number(amount, 0 if float(amount).is_integer() else 2)
    return _money(amount, currency, _locale())


@functools.lru_cache(maxsize=4096)
def _money(amount, currency: str, locale: Locale) -> str:
    return _price_pattern(locale).apply(amount, locale, currency=currency, currency_digits=False)


def price_range(treatment) -> str:
    """Return "from–to" for a treatment's price (a dict with price_from/price_to/currency)."""
    low, high = treatment.get("price_from"), treatment.get("price_to")
    currency = treatment.get("currency")
    if low is None:
        return ""
    if high is None or high == low:
        return money(low, currency)
    return f"{money(low, currency)} – {money(high, currency)}"


def init_app(app: Flask) -> None:
    """Register the formatting filters."""
    app.jinja_env.filters.update(
        number=number,
        score=score,
        points=points,
        distance=distance,
        date_text=date_text,
        iso_date=iso_date,
        money=money,
        price_range=price_range,
    )
