"""What search reads from the store beyond clinic rows: where a named city is."""

from __future__ import annotations

import sqlite_utils


def city_location(db: sqlite_utils.Database, city: str) -> tuple[float, float] | None:
    """Return the mean (lat, lon) of published clinics in this city, or None if it has none.

    Matching ignores ASCII case. A name shared by cities in several countries (London, GB and
    London, CA) resolves to the country with the most clinics there.
    """
    row = db.execute(
        "select avg(lat), avg(lon), count(*) as n from clinics "
        "where status = 'published' and lat is not null and lon is not null "
        "and city = ? collate nocase "
        "group by country order by n desc, country limit 1",
        [city.strip()],
    ).fetchone()
    if row is None:
        return None
    return (round(row[0], 6), round(row[1], 6))
