"""The gunicorn hook opens and warms the index before a worker takes requests."""

import runpy
from pathlib import Path
from types import SimpleNamespace

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def test_post_worker_init_opens_the_index(app):
    settings = runpy.run_path(str(CONF))
    assert settings["workers"] == 2
    assert "vetted.index" not in app.extensions
    settings["post_worker_init"](SimpleNamespace(wsgi=app))
    assert "vetted.index" in app.extensions
