"""`vetted import --format nhs-csv`: the NHS clinic and hospital lists, damage included."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.clinics import storage
from directory.clinics.importers import import_records, open_reader
from directory.clinics.nhs import read_nhs_csv
from directory.clinics.records import ImportFileError
from directory.clinics.services import save_profile
from tests.clinics.conftest import NHS_HEADER, comma_bytes, nhs_row, notsign_bytes
from tests.conftest import make_profile

HOSPITAL_HEADER = (
    *NHS_HEADER[:4],
    "Sector",
    *NHS_HEADER[4:15],
    "ParentODSCode",
    "ParentName",
    *NHS_HEADER[15:],
)


def _profiles(path, **kwargs) -> dict[str, dict]:
    return {r.profile["id"]: r.profile for r in read_nhs_csv(path, **kwargs) if r.profile}


def test_2023_layout_maps_a_row_to_a_profile(write_file):
    row = nhs_row(
        "NAA05",
        "Huyton Primary Care Resource Centre",
        OrganisationID="17941",
        Address1="Nutgrove Villa",
        Address2="Westmorland Road",
        Address3="Huyton",
        City="Liverpool",
        County="Merseyside",
        Postcode="l36  6ga",
        Latitude="53.410404205322266",
        Longitude="-2.8408372402191162",
        Phone="0151 244 3150",
        Email="huyton@nhs.net",
        Website="www.example.nhs.uk/huyton",
    )
    path = write_file("clinics.csv", notsign_bytes([row]))
    assert _profiles(path)["nhs-naa05"] == {
        "id": "nhs-naa05",
        "name": "Huyton Primary Care Resource Centre",
        "address": {
            "lines": ["Nutgrove Villa", "Westmorland Road", "Huyton"],
            "city": "Liverpool",
            "region": "Merseyside",
            "postcode": "L36 6GA",
            "country": "GB",
        },
        "location": {"lat": 53.410404205322266, "lon": -2.8408372402191162},
        "contact": {
            "phone": "0151 244 3150",
            "email": "huyton@nhs.net",
            "website": "http://www.example.nhs.uk/huyton",
        },
        "external_ids": {"nhs_org_id": "17941", "ods": "NAA05"},
        "status": "published",
    }


@pytest.mark.parametrize(
    ("values", "field", "expected", "warning"),
    [
        # scientific notation, as the spreadsheet wrote small longitudes
        (
            {"Latitude": "5.1E+1", "Longitude": "-8.5214249789714813E-2"},
            "location",
            {"lat": 51.0, "lon": -0.085214249789714813},
            None,
        ),
        # blank coordinates: no location, nothing to warn about
        ({"Latitude": "", "Longitude": ""}, "location", None, None),
        # out of range: the pin is dropped, the clinic kept
        ({"Latitude": "153.4", "Longitude": "-2.1"}, "location", None, "out of range"),
        # junk and NaN are not coordinates
        ({"Latitude": "n/a", "Longitude": "-2.1"}, "location", None, "not numbers"),
        ({"Latitude": "nan", "Longitude": "-2.1"}, "location", None, "not finite"),
        # 0, 0 is a placeholder, not a clinic in the Gulf of Guinea
        ({"Latitude": "0", "Longitude": "0"}, "location", None, "placeholder"),
        # one coordinate missing
        ({"Latitude": "53.1", "Longitude": ""}, "location", None, "not numbers"),
        # blank City: Address3 is the locality
        ({"City": "", "Address3": "Headingley"}, "address.city", "Headingley", None),
        # blank City and Address3: the town is in County
        ({"City": "", "County": "Dewsbury"}, "address.city", "Dewsbury", None),
        # nothing to go on: no city
        ({"City": "", "County": ""}, "address.city", None, None),
        # the first address line repeats the name
        (
            {"Address1": "Whiston Clinic", "Address2": "Old Road"},
            "address.lines",
            ["Old Road"],
            None,
        ),
        # a column shifted into Postcode: left out, with a warning
        ({"Postcode": "KENT"}, "address.postcode", None, "not a UK postcode"),
        # and into Email / Website
        ({"Email": "CT6 6EB"}, "contact.email", None, "not an e-mail address"),
        (
            {"Website": "please remove as this service has now closed."},
            "contact.website",
            None,
            "not a web address",
        ),
        # non-breaking and repeated spaces collapse
        ({"OrganisationName": "\xa0The  Clinic\xa0"}, "name", "The Clinic", None),
        # a hidden organisation is imported unpublished
        ({"OrganisationStatus": "Hidden"}, "status", "unpublished", None),
    ],
)
def test_row_cleaning(write_file, values, field, expected, warning):
    path = write_file("c.csv", comma_bytes([nhs_row("AB1", "Whiston Clinic", **values)]))
    [record] = list(read_nhs_csv(path))
    assert record.errors == []
    value = record.profile
    for part in field.split("."):
        value = value[part]
    assert value == expected
    if warning:
        assert any(warning in w for w in record.warnings), record.warnings
    else:
        assert record.warnings == []


def test_windows_1252_hospitals_layout_with_non_breaking_spaces(write_file):
    row = nhs_row(
        "NVC21",
        "West Midlands Hospital",
        Sector="Independent Sector",
        ParentODSCode="NVC",
        ParentName="Ramsay Healthcare",
        Phone=" 01384 560123 ",
        Fax="01384 411103\xa0 ",
        Address1="Let’s Talk",
    )
    path = write_file("h.csv", comma_bytes([row], header=HOSPITAL_HEADER))
    profile = _profiles(path)["nhs-nvc21"]
    assert profile["contact"]["phone"] == "01384 560123"
    assert profile["address"]["lines"] == ["Let’s Talk"]
    assert profile["external_ids"]["nhs_parent_ods"] == "NVC"


def test_utf8_comma_file_is_read_as_utf8(write_file):
    row = nhs_row("AB1", "Time to Talk – West Sussex")
    path = write_file("u.csv", comma_bytes([row], encoding="utf-8"))
    assert _profiles(path)["nhs-ab1"]["name"] == "Time to Talk – West Sussex"


def test_duplicate_ods_code_and_same_name_and_postcode_are_skipped(write_file):
    rows = [
        nhs_row("AB1", "Settle Health Centre", Postcode="BD24 9HZ"),
        nhs_row("AB1", "Settle Health Centre again"),
        nhs_row("AB2", "settle  health centre", Postcode="bd249hz"),
        nhs_row("AB3", "Settle Health Centre", Postcode=""),
    ]
    records = list(read_nhs_csv(write_file("d.csv", notsign_bytes(rows))))
    assert [(r.line, r.skipped) for r in records] == [
        (2, None),
        (3, "duplicate ODS code AB1 (first on line 2)"),
        (4, "same name and postcode as nhs-ab1 (line 2)"),
        (5, None),  # no postcode: same-named clinics may be far apart
    ]


def test_stored_clinics_win_over_new_duplicates(write_file):
    rows = [nhs_row("NEW1", "Falkland Surgery"), nhs_row("OLD1", "Falkland Surgery")]
    path = write_file("d.csv", comma_bytes(rows))
    stored = {"nhs-old1": ("Falkland Surgery", "LS1 1AA"), "other": ("Elsewhere", None)}
    records = list(read_nhs_csv(path, stored=stored))
    assert records[0].skipped == "same name and postcode as nhs-old1 (line 3)"
    assert records[1].profile["id"] == "nhs-old1"
    # A stored clinic not in the file still owns its name and postcode.
    path = write_file("e.csv", comma_bytes([nhs_row("NEW2", "elsewhere", Postcode="ls1 1aa")]))
    [record] = list(read_nhs_csv(path, stored={"other": ("Elsewhere", "LS1 1AA")}))
    assert record.skipped == "same name and postcode as other (already in the directory)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # a required column is missing: named in the error
        (
            comma_bytes([nhs_row("AB1", "X")], header=NHS_HEADER[:13] + NHS_HEADER[14:]),
            "missing column Latitude",
        ),
        (b"name,postcode\r\nX,LS1 1AA\r\n", "missing columns OrganisationCode, OrganisationName"),
        # bytes that are neither UTF-8 nor Windows-1252
        (
            ",".join(NHS_HEADER).encode() + b"\r\n\x81\x8d\x8f\r\n",
            "is neither UTF-8 nor Windows-1252 text (byte 0x81 on line 2)",
        ),
        # NUL bytes beyond the first block of the file
        (
            ",".join(NHS_HEADER).encode() + b"\r\n" + b"x" * 10_000 + b"\x00\r\n",
            "contains binary data (NUL byte on line 2)",
        ),
    ],
)
def test_unreadable_lists_stop_with_a_clear_error(runner, db, write_file, content, message):
    path = write_file("bad.csv", content)
    with pytest.raises(ImportFileError, match=re.escape(message)):
        list(read_nhs_csv(path))
    result = runner.invoke(args=["import", "--format", "nhs-csv", str(path)])
    assert result.exit_code == 1
    assert f"{path}: {message}" in result.output
    assert db.execute("select count(*) from clinics").fetchone()[0] == 0


def test_bad_rows_are_reported_and_good_rows_import(runner, db, write_file):
    good = ",".join(nhs_row("AB1", "Good").values())
    short = ",".join(list(nhs_row("AB2", "Short").values())[:17])
    bad_code = ",".join(nhs_row("A B", "Bad code").values())
    long_line = "x," * 40_000
    content = "\r\n".join([",".join(NHS_HEADER), good, short, bad_code, long_line]) + "\r\n"
    result = runner.invoke(
        args=["import", "--format", "nhs-csv", str(write_file("rows.csv", content))]
    )
    assert result.exit_code == 0, result.output
    assert "line 3: invalid: has 17 fields, the header has 19" in result.output
    assert "line 4: invalid: OrganisationCode: 'A B' is not an ODS code" in result.output
    assert "line 5: invalid: line is too long" in result.output
    assert "4 records: 1 created, 0 updated, 0 unchanged, 0 skipped, 3 invalid" in result.output
    assert list(storage.published_versions(db)) == ["nhs-ab1"]


def test_nhs_import_keeps_what_a_clinic_added_and_is_idempotent(runner, db, write_file):
    path = write_file("c.csv", comma_bytes([nhs_row("AB1", "Leeds Skin")]))
    assert runner.invoke(args=["import", "--format", "nhs-csv", str(path)]).exit_code == 0
    added = {**storage.get_profile(db, "nhs-ab1"), "treatments": make_profile()["treatments"]}
    save_profile(db, added, actor="owner")
    again = runner.invoke(args=["import", "--format", "nhs-csv", str(path)])
    assert "0 created, 0 updated, 1 unchanged" in again.output, again.output
    assert len(storage.get_profile(db, "nhs-ab1")["treatments"]) == 2


def test_warnings_are_listed_for_imported_rows(runner, write_file):
    path = write_file("c.csv", comma_bytes([nhs_row("AB1", "X", Latitude="99", Longitude="1")]))
    result = runner.invoke(args=["import", "--format", "nhs-csv", str(path)])
    assert "line 2: nhs-ab1: created: warning: coordinates 99, 1 are out of range" in result.output


@pytest.mark.slow
def test_both_real_snapshots_load_without_duplicates(store, nhs_data):
    first_file = nhs_data / "nhs_Clinics_2023_raw_notsign_delimited.csv"
    first = import_records(store, open_reader(first_file, "nhs-csv", store), actor="test")
    assert first.records == 17_512
    assert first.counts["invalid"] == 0
    assert first.counts["created"] + first.counts["skipped"] == 17_512
    # The 1,710 exact repeats of (name, postcode), plus a dozen that differ only in case.
    assert 1_710 <= first.counts["skipped"] < 1_800
    assert all(
        "same name and postcode" in d.reasons[0] for d in first.details if d.outcome == "skipped"
    )
    second_file = nhs_data / "nhs_Clinics_comma.csv"
    second = import_records(store, open_reader(second_file, "nhs-csv", store), actor="test")
    assert second.records == 7_384
    assert second.counts["invalid"] == 0
    assert second.counts["updated"] > 3_500  # shared ODS codes (coordinates have new precision)
    assert second.counts["created"] > 2_000  # clinics new in the later snapshot
    duplicates = Counter(
        d.reasons[0].split(" (")[0]
        for d in second.details
        if d.reasons[0].startswith("duplicate ODS")
    )
    assert len(duplicates) == 29  # ODS codes listed twice in that file
    total = first.counts["created"] + second.counts["created"]
    assert store.execute("select count(*) from clinics").fetchone()[0] == total
    ods = [r[0] for r in store.execute("select json_extract(external_ids, '$.ods') from clinics")]
    assert len(ods) == len(set(ods)) == total
    again = import_records(store, open_reader(second_file, "nhs-csv", store), actor="test")
    assert again.counts["created"] == again.counts["updated"] == 0
    assert again.counts["unchanged"] == second.counts["created"] + second.counts["updated"]


@pytest.mark.slow
def test_real_hospital_list_through_the_command(runner, db, nhs_data):
    path = nhs_data / "nhs_Hospitals_comma.csv"
    result = runner.invoke(args=["import", "--format", "nhs-csv", str(path)])
    assert result.exit_code == 0, result.output
    assert "1093 records:" in result.output and "0 invalid" in result.output
    hospital = storage.get_profile(db, "nhs-nvc21")
    assert hospital["name"] == "West Midlands Hospital"
    assert hospital["contact"]["phone"] == "01384 560123"
    assert hospital["external_ids"]["nhs_parent_ods"] == "NVC"


def test_header_only_list_has_no_records(runner, write_file):
    path = write_file("empty.csv", ",".join(NHS_HEADER) + "\r\n,,,\r\n")
    result = runner.invoke(args=["import", "--format", "nhs-csv", str(path)])
    assert result.exit_code == 1
    assert f"{path}: no records found" in result.output


def test_nhs_dry_run_writes_nothing(runner, db, write_file):
    path = write_file("c.csv", comma_bytes([nhs_row("AB1", "X"), nhs_row("AB1", "X")]))
    result = runner.invoke(args=["import", "--dry-run", "--format", "nhs-csv", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 records: 1 created, 0 updated, 0 unchanged, 1 skipped, 0 invalid" in result.output
    assert db.execute("select count(*) from clinics").fetchone()[0] == 0


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400), notsign=st.booleans())
def test_any_rows_give_records_or_a_file_error(tmp_path_factory, data, notsign):
    header = ("¬" if notsign else ",").join(NHS_HEADER).encode()
    path = tmp_path_factory.mktemp("fuzz") / "x.csv"
    path.write_bytes(header + b"\r\n" + data)
    try:
        records = list(read_nhs_csv(path, stored={"nhs-ab1": ("X", "LS1 1AA")}))
    except ImportFileError as exc:
        assert str(path) in str(exc)
        return
    for record in records:
        assert (record.profile is None) == bool(record.errors or record.skipped)


def test_a_stray_carriage_return_is_a_bad_line_not_a_crash(tmp_path):
    # Found by the Hypothesis test above: csv refuses a bare CR in an unquoted field.
    path = tmp_path / "x.csv"
    path.write_bytes(",".join(NHS_HEADER).encode() + b'\r\n\r"\r\n')
    (record,) = list(read_nhs_csv(path))
    assert record.line == 2 and record.profile is None
    assert "cannot be read" in record.errors[0].reason
