"""Changing a password ends the account's other sessions."""

from directory.accounts import services, storage
from directory.accounts.passwords import hash_password


def test_password_change_logs_out_other_sessions(app, db):
    user_id = services.create_user(
        db,
        email="a@clinic.example",
        password="correct horse battery",
        role="clinic",
        confirmed=True,
    )
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        response = client.post(
            "/account/login",
            data={"email": "a@clinic.example", "password": "correct horse battery"},
        )
        assert response.status_code == 302
        assert client.get("/account/").status_code == 200
    # The password changes (here directly in storage, as a reset would).
    storage.set_password_hash(db, user_id, hash_password("another long password"))
    assert phone.get("/account/").status_code == 302  # sent to log in again
    assert laptop.get("/account/").status_code == 302
