"""The only mapping from a clinic to an index document (STUB until issue 3)."""


def to_document(clinic: dict) -> dict:
    return {"id": clinic["id"], "version": clinic.get("version"), "name": clinic["name"]}
