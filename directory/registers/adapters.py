"""The register-adapter interface, and the NPPES adapter (US practitioners).

An adapter says whether it covers a licence (its country and authority) and, when it does,
what its register says about it. A licence no adapter covers is "not covered": we never claim
a register confirmed what nobody checked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol

import pycountry
import sqlite_utils

from directory.registers import nppes, storage


@dataclass(frozen=True)
class Licence:
    """A practitioner's licence as the clinic gave it."""

    number: str | None
    authority: str | None
    country: str | None


@dataclass(frozen=True)
class RegisterAnswer:
    """What a register says about one licence (covered False: no register could be asked)."""

    covered: bool
    found: bool = False
    register: str | None = None
    identifier: str | None = None  # the register's own id (the NPI for NPPES)
    name: str | None = None
    credential: str | None = None
    status: str | None = None  # active | deactivated
    speciality: str | None = None
    taxonomies: tuple[str, ...] = ()
    licence_state: str | None = None
    expires_on: str | None = None
    deactivated_on: str | None = None
    source: str | None = None
    extract_date: str | None = None
    note: str | None = None


class RegisterAdapter(Protocol):
    name: str

    def covers(self, licence: Licence) -> bool: ...

    def lookup(self, db: sqlite_utils.Database, licence: Licence) -> RegisterAnswer: ...


NPI_IN_TEXT = re.compile(r"(?<!\d)(\d{10})(?!\d)")
STATE_PREFIX = re.compile(r"^([A-Z]{2})[\s-]+(.+)$")


@functools.cache
def us_states() -> dict[str, str]:
    """Map US state and territory names (lower case) to their two-letter codes."""
    return {
        s.name.lower(): s.code.split("-")[1] for s in pycountry.subdivisions.get(country_code="US")
    }


def _state_from(authority: str | None) -> str | None:
    text = (authority or "").lower()
    # The longest name first: "West Virginia" before "Virginia".
    for name in sorted(us_states(), key=len, reverse=True):
        if re.search(rf"\b{re.escape(name)}\b", text):
            return us_states()[name]
    return None


class NppesAdapter:
    """US practitioners, from the NPPES extract loaded with `vetted registers load nppes`."""

    name = "NPPES"

    def covers(self, licence: Licence) -> bool:
        return (licence.country or "").upper() == "US"

    def lookup(self, db: sqlite_utils.Database, licence: Licence) -> RegisterAnswer:
        extract = storage.get_extract(db, nppes.REGISTER)
        if extract is None:
            return RegisterAnswer(
                covered=False,
                register=self.name,
                note="no NPPES extract is loaded (vetted registers load nppes FILE)",
            )
        base = {
            "covered": True,
            "register": self.name,
            "source": nppes.SOURCE,
            "extract_date": extract["extract_date"],
        }
        number = (licence.number or "").strip().upper()
        npi = NPI_IN_TEXT.search(number)
        if npi:
            if not nppes.npi_is_valid(npi[1]):
                return RegisterAnswer(**base, note=f"{npi[1]} is not a valid NPI (check digit)")
            person = storage.get_practitioner(db, nppes.REGISTER, npi[1])
            return self._answer(base, person, None)
        state, rest = _state_from(licence.authority), number
        prefix = STATE_PREFIX.match(number)
        if prefix and prefix[1] in us_states().values():
            state, rest = prefix[1], prefix[2]
        ids = storage.find_by_licence(db, nppes.REGISTER, state, nppes.licence_key(rest))
        if not ids:
            where = f" in {state}" if state else ""
            return RegisterAnswer(**base, note=f"no practitioner holds licence {rest}{where}")
        person = storage.get_practitioner(db, nppes.REGISTER, ids[0])
        note = f"{len(ids)} practitioners hold this number" if len(ids) > 1 else None
        return self._answer(base, person, nppes.licence_key(rest), note)

    def _answer(
        self, base: dict, person: dict | None, key: str | None, note: str | None = None
    ) -> RegisterAnswer:
        if person is None:
            return RegisterAnswer(**base, note="no practitioner has this NPI")
        licences = person["licences"]
        held = [lic for lic in licences if key is None or lic["licence_key"] == key]
        main = next((lic for lic in held if lic["is_primary"]), held[0] if held else None)
        return RegisterAnswer(
            **base,
            found=True,
            identifier=person["identifier"],
            name=person["name"],
            credential=person["credential"],
            status=person["status"],
            speciality=main["speciality"] if main else None,
            taxonomies=tuple(lic["taxonomy"] for lic in licences if lic["taxonomy"]),
            licence_state=main["state"] if main else None,
            deactivated_on=person["deactivated_on"],
            note=note,
        )


ADAPTERS: tuple[RegisterAdapter, ...] = (NppesAdapter(),)


def adapter_for(licence: Licence) -> RegisterAdapter | None:
    """Return the adapter that covers this licence, or None (not covered)."""
    return next((a for a in ADAPTERS if a.covers(licence)), None)
