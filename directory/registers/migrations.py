"""Schema of the registers domain: loaded register extracts, practitioners and licences."""

import sqlite_utils

from directory.schema import create_table, migration_set


def m001_registers(db: sqlite_utils.Database) -> None:
    # One row per register: the extract now loaded (a new load replaces the old one whole).
    create_table(
        db,
        "register_extracts",
        {
            "register": str,  # e.g. "nppes"
            "source": str,  # file name of the extract
            "extract_date": str,  # the date the register published it (YYYY-MM-DD)
            "loaded_at": str,
            "practitioners": int,
            "skipped": int,
        },
        pk="register",
    )
    create_table(
        db,
        "register_practitioners",
        {
            "register": str,
            "identifier": str,  # the NPI for NPPES
            "name": str,
            "last_name": str,
            "credential": str,  # written one way: "M.D." and "MD" are both "MD"
            "status": str,  # active | deactivated
            "deactivated_on": str,
            "updated_on": str,
        },
        pk=("register", "identifier"),
    )
    create_table(
        db,
        "register_licences",
        {
            "register": str,
            "identifier": str,
            "position": int,
            "taxonomy": str,  # NUCC code, e.g. 207N00000X
            "speciality": str,
            "licence_number": str,  # as the register writes it
            "licence_key": str,  # upper case, letters and digits, no leading zeros
            "state": str,
            "is_primary": int,
        },
        pk=("register", "identifier", "position"),
        foreign_keys=[
            (("register", "identifier"), "register_practitioners", ("register", "identifier"))
        ],
        indexes=[("register", "state", "licence_key")],
    )


migrations = migration_set("registers", m001_registers)
