from tests.experiences.helpers import confirmation_link, form_data, new_codes, submit


def test_smoke(app, db, client, clinic, mod_client):
    code = new_codes(db)[0]
    r = client.get("/clinics/c-1/experiences/new")
    assert r.status_code == 200, r.data[:2000]
    r = submit(client, form_data(code))
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    link = confirmation_link(app)
    r = client.get(link)
    assert r.status_code == 200, r.data
    r = mod_client.get("/moderation/?kind=experience")
    assert b"Patient experience" in r.data, r.data
    r = mod_client.get("/moderation/experiences/1")
    assert r.status_code == 200, r.data
    r = mod_client.post("/moderation/experiences/1/publish", data={})
    assert r.status_code == 302, r.data
    r = client.get("/clinics/c-1")
    assert b"1 verified patient experience" in r.data, r.data
