"""gunicorn settings for `make serve` (command-line flags override these)."""

workers = 2
bind = "127.0.0.1:5000"
accesslog = "-"
# gunicorn's maximum (its default is 4,094). The app refuses addresses over
# directory.errors.MAX_URL_BYTES itself, with a JSON 414 for the API; only a request line
# longer than this still gets gunicorn's own HTML 414.
limit_request_line = 8190


def post_worker_init(worker):
    """Open the search index and load its caches before the worker takes requests.

    At 100k clinics the first search of a process otherwise takes about a second.
    """
    from directory.search.services import open_search_index

    open_search_index(worker.wsgi).warm()
