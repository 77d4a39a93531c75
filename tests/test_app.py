"""The app factory, the data folder and the friendly error pages."""

from directory import create_app
from tests.conftest import make_profile


def test_create_app_uses_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VETTED_DATA_DIR", str(tmp_path / "elsewhere"))
    app = create_app({"TESTING": True})
    assert app.config["DATABASE"] == str(tmp_path / "elsewhere" / "vetted.db")
    assert (tmp_path / "elsewhere" / "vetted.db").exists()


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("VETTED_SECRET_KEY", raising=False)
    first = create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_url_gives_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"We could not find that page" in response.data
    assert b"Traceback" not in response.data


def test_unknown_api_url_gives_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["reason"]


def test_bad_page_number_is_400_not_500(client):
    for page in ("0", "-1", "abc", "99999999999999999999"):
        assert client.get(f"/clinics?page={page}").status_code == 400


def test_clinic_page_shows_what_the_store_holds(app, client, db):
    from directory.clinics.services import save_profile

    save_profile(db, make_profile(), actor="test")
    response = client.get("/clinics/c-1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (
        "Harley Skin Clinic",
        "10 Harley Street",
        "W1G 9PF",
        "GMC 7654321",
        "General Medical Council",
        "dermatologist",
        "Face mesotherapy",
        "Arabic",
        "51.52030",
        "+44 20 7946 0000",
    ):
        assert text in html, text


def test_unpublished_clinic_is_not_public(client, db):
    from directory.clinics.services import save_profile

    save_profile(db, make_profile(status="unpublished"), actor="test")
    assert client.get("/clinics/c-1").status_code == 404
