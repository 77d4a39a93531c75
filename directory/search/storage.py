"""What patients read that spans clinic rows and their scores: the clinic list."""

from __future__ import annotations

import sqlite_utils

# The orders the clinic list can be read in (a key the caller passes -> ORDER BY). The score
# is vetting's (clinic_scores); a clinic not scored yet comes after every scored one.
LIST_ORDERS = {
    "name": "c.name collate nocase, c.id",
    "score": "s.score is null, s.score desc, c.name collate nocase, c.id",
    "city": "c.city is null, c.city collate nocase, c.name collate nocase, c.id",
}


def list_published(
    db: sqlite_utils.Database,
    *,
    limit: int,
    offset: int,
    country: str | None = None,
    order: str = "name",
) -> list[dict]:
    """Return one page of published clinics' summary rows (id, name, brand, city, country)."""
    where, args = ["c.status = 'published'"], []
    if country:
        where.append("c.country = ?")
        args.append(country)
    sql = (
        "select c.id, c.name, c.brand, c.city, c.country from clinics c "
        "left join clinic_scores s on s.clinic_id = c.id where "
        + " and ".join(where)
        + f" order by {LIST_ORDERS[order]} limit ? offset ?"
    )
    return list(db.query(sql, [*args, limit, offset]))
