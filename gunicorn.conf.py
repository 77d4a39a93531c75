"""gunicorn settings for `make serve` (command-line flags override these)."""

from directory.search.extension import catch_up, open_search_index

workers = 2
bind = "127.0.0.1:5000"
accesslog = "-"


def post_worker_init(worker):
    """Before the worker takes requests: apply any outbox backlog, then warm the index.

    A backlog (changes a killed process committed but never applied) is applied here, one
    worker at a time (the index's write lock), never inside a person's request. At 100k
    clinics the first search of a process otherwise takes about a second.
    """
    catch_up(worker.wsgi)
    open_search_index(worker.wsgi).warm()
