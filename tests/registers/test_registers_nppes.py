"""Reading NPPES: the NPI check digit, credentials, deactivations, taxonomy groups."""

from __future__ import annotations

import pytest

from directory.registers import nppes
from tests.registers.conftest import npi, person, write_extract


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("1234567893", True),  # CMS's published example
        ("1234567890", False),  # the same with a wrong check digit
        ("1942203856", True),  # a real NPI from the sample extract
        ("123456789", False),  # nine digits
        ("12345678901", False),  # eleven
        ("12345678a3", False),  # not all digits
        ("", False),
    ],
)
def test_npi_check_digit(number, valid):
    assert nppes.npi_is_valid(number) is valid


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("MD", "MD"),
        ("M.D.", "MD"),  # the two spellings the extract mixes
        ("m.d", "MD"),
        ("D.O.", "DO"),
        ("PH.D.", "PHD"),
        ("MD, PHD", "MD, PHD"),
        ("", None),
    ],
)
def test_credentials_are_written_one_way(text, written):
    assert nppes.credential(text) == written


def test_the_real_sample(shared_data):
    folder = shared_data / "nppes-sample"
    names = nppes.read_taxonomy(folder / "nucc_provider_taxonomy.csv")
    extract = nppes.read_extract(
        folder / "sample-nppes-practitioner_20181204-data.csv", names=names
    )
    people = extract.practitioners
    assert len(people) == 2000 and extract.skipped == []
    credentials = {p.credential for p in people}
    assert "MD" in credentials and "M.D." not in credentials
    # All 30 deactivated NPIs in the sample were reactivated days later: they are active.
    assert all(p.status == "active" for p in people)
    relevant = [
        p
        for p in people
        if any((lic["taxonomy"] or "").startswith(nppes.RELEVANT) for lic in p.licences)
    ]
    assert len(relevant) == 58
    pinto = next(p for p in people if p.identifier == "1043212350")
    assert [(lic["taxonomy"], lic["licence_number"], lic["state"]) for lic in pinto.licences] == [
        ("207N00000X", "47442", "CT"),
        ("207N00000X", "044059", "GA"),
        ("207ND0101X", "044059", "GA"),
        ("207NS0135X", "044059", "GA"),
    ]
    assert pinto.licences[2]["speciality"] == "Dermatology (MOHS-Micrographic Surgery)"
    assert nppes.extract_date(folder / "x_20181204.csv", extract, None) == "2018-12-04"


def test_deactivated_and_bad_rows(tmp_path):
    good, gone, back = npi("100000001"), npi("100000002"), npi("100000003")
    path = write_extract(
        tmp_path / "nppes.csv",
        [
            person(good, "SMITH", "ANNA", ("207N00000X", "A 12345", "CA")),
            person(
                gone,
                "JONES",
                "BEN",
                ("2082S0099X", "77", "NY"),
                **{"NPI Deactivation Date": "05/01/2018"},
            ),
            person(
                back,
                "LEE",
                "CARA",
                **{"NPI Deactivation Date": "01/01/2017", "NPI Reactivation Date": "02/01/2017"},
            ),
            person("1234567890", "BAD", "CHECK"),
            person(good, "SMITH", "AGAIN"),
            {**person(npi("100000004"), "ORG", "X"), "Entity Type Code": "2"},
        ],
    )
    extract = nppes.read_extract(path)
    status = {p.identifier: (p.status, p.deactivated_on) for p in extract.practitioners}
    assert status == {
        good: ("active", None),
        gone: ("deactivated", "2018-05-01"),
        back: ("active", None),
    }
    assert extract.skipped == [
        "line 5: NPI '1234567890' fails its check digit",
        f"line 6: NPI {good} appears twice",
    ]
    smith = extract.practitioners[0]
    assert smith.licences[0]["licence_key"] == "A12345"
    assert smith.licences[0]["speciality"] == "Dermatology"


def test_a_file_that_is_not_an_extract(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,licence\nA,1\n")
    with pytest.raises(nppes.RegisterFileError, match="is not an NPPES extract"):
        nppes.read_extract(path)
    with pytest.raises(nppes.RegisterFileError, match="no such file"):
        nppes.read_extract(tmp_path / "missing.csv")
