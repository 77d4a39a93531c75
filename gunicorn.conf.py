"""gunicorn settings for `make serve` (command-line flags override these)."""

workers = 2
bind = "127.0.0.1:5000"
accesslog = "-"


def post_worker_init(worker):
    """Open the search index and load its caches before the worker takes requests.

    At 100k clinics the first search of a process otherwise takes about a second.
    """
    from directory.search.services import open_search_index

    open_search_index(worker.wsgi).warm()
