"""`vetted import` of profile files: validation per record, idempotence, hostile input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.clinics import storage
from directory.clinics.jsonl import MAX_LINE_BYTES, read_profiles
from directory.clinics.records import ImportFileError, count_lines
from directory.events import list_events
from tests.conftest import make_profile


def _count(db) -> int:
    return db.execute("select count(*) from clinics").fetchone()[0]


def _events(db) -> int:
    return db.execute("select count(*) from events").fetchone()[0]


def test_import_creates_clinics_records_events_and_updates_the_index(runner, db, write_jsonl, app):
    path = write_jsonl(make_profile("c-1"), make_profile("c-2", name="Second Clinic"))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 records: 2 created, 0 updated, 0 unchanged, 0 skipped, 0 invalid" in result.output
    assert storage.get_profile(db, "c-2")["name"] == "Second Clinic"
    events = list_events(db, target_type="clinic", target_id="c-1")
    assert [e["action"] for e in events] == ["clinic.created"]
    assert events[0]["actor"] == "cli:import"
    assert events[0]["reason"] == "import clinics.jsonl"
    assert storage.outbox_size(db) == 0  # drained into the index
    from directory.search.extension import open_search_index
    from directory.search.services import check_index

    assert check_index(db, open_search_index(app)).clean


def test_reimporting_the_same_file_changes_nothing(runner, db, write_jsonl):
    path = write_jsonl(make_profile("c-1"), make_profile("c-2"))
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    versions, events = storage.published_versions(db), _events(db)
    again = runner.invoke(args=["import", str(path)])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 2 unchanged" in again.output
    assert storage.published_versions(db) == versions
    assert _events(db) == events


def test_changed_record_updates_and_omitted_fields_keep_their_value(runner, db, write_jsonl):
    runner.invoke(args=["import", str(write_jsonl(make_profile("c-1")))])
    partial = {"id": "c-1", "name": "Renamed", "address": {"country": "GB", "city": "Leeds"}}
    result = runner.invoke(args=["import", str(write_jsonl(partial, name="partial.jsonl"))])
    assert "1 updated" in result.output, result.output
    stored = storage.get_clinic(db, "c-1")
    assert (stored["name"], stored["address"]["city"], stored["version"]) == ("Renamed", "Leeds", 2)
    assert stored["address"]["lines"] == []  # the address object is replaced whole
    assert [t["key"] for t in stored["treatments"]] == ["mesotherapy-face", "microneedling"]


def test_bad_record_is_reported_with_line_and_field_and_good_ones_import(runner, db, write_jsonl):
    bad = make_profile("c-2", address={"country": "XX"})
    path = write_jsonl(make_profile("c-1"), bad, "{not json", make_profile("c-4"))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 2: c-2: invalid: address.country: 'XX' is not an ISO 3166-1" in result.output
    assert "line 3: invalid: not valid JSON" in result.output
    assert "4 records: 2 created, 0 updated, 0 unchanged, 0 skipped, 2 invalid" in result.output
    assert sorted(storage.published_versions(db)) == ["c-1", "c-4"]
    assert list_events(db, target_id="c-2") == []


def test_strict_imports_nothing_when_one_record_is_bad(runner, db, write_jsonl):
    path = write_jsonl(make_profile("c-1"), make_profile("c-2", status="live"))
    result = runner.invoke(args=["import", "--strict", str(path)])
    assert result.exit_code == 1
    assert "line 2: c-2: invalid: status" in result.output
    assert "1 invalid records; nothing imported (--strict)" in result.output
    assert _count(db) == 0 and _events(db) == 0


def test_strict_imports_a_clean_file(runner, db, write_jsonl):
    result = runner.invoke(args=["import", "--strict", str(write_jsonl(make_profile()))])
    assert result.exit_code == 0, result.output
    assert _count(db) == 1


def test_dry_run_reports_without_writing(runner, db, write_jsonl):
    runner.invoke(args=["import", str(write_jsonl(make_profile("c-1")))])
    events = _events(db)
    path = write_jsonl(
        make_profile("c-1"), make_profile("c-2"), make_profile("c-3", name="New"), name="b.jsonl"
    )
    path.write_text(path.read_text().replace('"Harley Skin Clinic"', '"Harley"', 2))
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert "Dry run (nothing written)" in result.output
    assert "3 records: 2 created, 1 updated, 0 unchanged" in result.output
    assert sorted(storage.published_versions(db)) == ["c-1"]
    assert storage.get_profile(db, "c-1")["name"] == "Harley Skin Clinic"
    assert _events(db) == events and storage.outbox_size(db) == 0


def test_one_pretty_printed_profile_per_file(runner, db, write_file):
    path = write_file("one.json", json.dumps(make_profile(), indent=2))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output
    assert _count(db) == 1


def test_duplicate_ids_in_one_file_keep_the_first(runner, db, write_jsonl):
    path = write_jsonl(make_profile("c-1"), make_profile("c-1", name="Other"))
    result = runner.invoke(args=["import", str(path)])
    assert "line 2: c-1: invalid: id: duplicate id 'c-1' (first on line 1)" in result.output
    assert storage.get_profile(db, "c-1")["name"] == "Harley Skin Clinic"


def test_reasons_are_capped_on_screen_and_complete_in_the_report(runner, write_jsonl, tmp_path):
    path = write_jsonl(*["[]"] * 25, make_profile())
    report = tmp_path / "report.txt"
    result = runner.invoke(args=["import", str(path), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert result.output.count("expected a JSON object") == 20
    assert "… and 5 more" in result.output
    lines = report.read_text().splitlines()
    assert len(lines) == 26 and lines[0].startswith("line 1: invalid: expected a JSON object")
    assert lines[-1] == "26 records: 1 created, 0 updated, 0 unchanged, 0 skipped, 25 invalid"
    verbose = runner.invoke(args=["import", "--verbose", str(path)])
    assert verbose.output.count("expected a JSON object") == 25


def test_long_line_is_reported_and_not_loaded(runner, db, write_file):
    huge = b'{"id": "big", "name": "' + b"x" * (10 * 1024 * 1024) + b'"}\n'
    path = write_file("big.jsonl", huge + json.dumps(make_profile()).encode() + b"\n")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"line 1: invalid: line is too long (more than {MAX_LINE_BYTES} bytes)" in result.output
    assert sorted(storage.published_versions(db)) == ["c-1"]


BAD_FILES = [
    # an empty file
    ("empty.jsonl", b"", "is empty: nothing to import"),
    # only blank lines
    ("blank.jsonl", b"\n  \n\r\n", "is empty: nothing to import"),
    # binary garbage with NUL bytes
    ("garbage.bin", bytes(range(256)) * 8, "looks like a binary file"),
    # UTF-16 text (NUL bytes too), with a hint to save as UTF-8
    ("utf16.jsonl", json.dumps(make_profile()).encode("utf-16"), "save it again as UTF-8"),
    # Windows-1252 text is not JSON's UTF-8
    (
        "cp1252.jsonl",
        json.dumps(make_profile(name="Café"), ensure_ascii=False).encode("cp1252"),
        "line 1: invalid: not UTF-8 text (byte 0xe9",
    ),
    # not JSON at all
    ("text.jsonl", b"id,name\nc-1,Harley\n", "line 1: invalid: not valid JSON"),
    # a JSON array of profiles instead of one per line
    ("array.jsonl", json.dumps([make_profile()]).encode(), "expected a JSON object, got an array"),
    # nesting deep enough to break a recursive parser
    ("deep.jsonl", b"[" * 100_000 + b"]" * 100_000, "line 1: invalid: not valid JSON"),
    # NaN is not JSON
    ("nan.jsonl", b'{"id": "c-1", "name": NaN}', "NaN is not a number JSON allows"),
    # the same key twice in one object
    ("dupkey.jsonl", b'{"id": "c-1", "id": "c-2"}', "the key 'id' appears twice"),
    # an integer with too many digits to convert
    ("bigint.jsonl", b'{"id": ' + b"9" * 5000 + b"}", "line 1: invalid: not valid JSON"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_give_a_clear_error_and_change_nothing(
    runner, db, write_file, name, content, message
):
    path = write_file(name, content)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert str(path) in result.output
    assert "Traceback" not in result.output
    assert _count(db) == 0 and _events(db) == 0


def test_missing_file_and_directory_are_refused(runner, tmp_path):
    missing = runner.invoke(args=["import", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 1
    assert f"{tmp_path / 'nope.jsonl'}: no such file" in missing.output
    folder = runner.invoke(args=["import", str(tmp_path)])
    assert folder.exit_code == 1
    assert f"{tmp_path}: is a directory, not a file" in folder.output


def test_unknown_format_is_refused(runner, write_jsonl):
    result = runner.invoke(args=["import", "--format", "xml", str(write_jsonl(make_profile()))])
    assert result.exit_code == 2
    assert "'xml' is not one of 'jsonl', 'nhs-csv'" in result.output


def test_reader_yields_line_numbers_and_skips_blank_lines(write_file):
    path = write_file("x.jsonl", "\n" + json.dumps(make_profile()) + "\n\n[]\n")
    records = list(read_profiles(path))
    assert [(r.line, r.profile is not None) for r in records] == [(2, True), (4, False)]
    assert count_lines(path) == 4


@pytest.mark.parametrize("args", [["import", "--help"], ["export", "--help"]])
def test_help(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_index_failure_keeps_the_import_and_says_how_to_recover(
    runner, db, write_jsonl, app, monkeypatch
):
    from directory.search import services

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(services, "rebuild_index", broken)
    result = runner.invoke(args=["import", str(write_jsonl(make_profile()))])
    assert result.exit_code == 1
    assert "saved, but the search index could not be updated (OSError: disk full)" in result.output
    assert "vetted index sync" in result.output
    assert storage.get_profile(db, "c-1") is not None
    assert storage.outbox_size(db) == 1  # kept for `vetted index sync`


def test_report_in_a_missing_folder_is_refused_before_importing(runner, db, write_jsonl, tmp_path):
    report = tmp_path / "no" / "report.txt"
    result = runner.invoke(
        args=["import", str(write_jsonl(make_profile())), "--report", str(report)]
    )
    assert result.exit_code == 1
    assert "the folder for the report does not exist" in result.output
    assert _count(db) == 0


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_give_records_or_a_file_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.jsonl"
    path.write_bytes(data)
    try:
        records = list(read_profiles(path))
    except ImportFileError as exc:
        assert str(path) in str(exc)
        return
    for record in records:
        assert (record.profile is None) == bool(record.errors)
