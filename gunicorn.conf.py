"""gunicorn settings for `make serve` (command-line flags override these)."""

from directory.search.extension import catch_up, open_search_index

workers = 2
bind = "127.0.0.1:5000"
accesslog = "-"
# gunicorn's maximum (its default is 4,094). The app refuses addresses over
# directory.errors.MAX_URL_BYTES itself, with a JSON 414 for the API; only a request line
# longer than this still gets gunicorn's own HTML 414.
limit_request_line = 8190


def post_worker_init(worker):
    """Before the worker takes requests: apply any outbox backlog, then warm the index.

    A backlog (changes a killed process committed but never applied) is applied here, one
    worker at a time (the index's write lock), never inside a person's request. At 100k
    clinics the first search of a process otherwise takes about a second. On a read node
    (VETTED_READ_ONLY=on) catch_up applies nothing: the store is only read there.
    """
    catch_up(worker.wsgi)
    open_search_index(worker.wsgi).warm()
