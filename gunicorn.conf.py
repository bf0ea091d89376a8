"""gunicorn's settings for Onward, read by gunicorn from the working directory (the
project's, as in the README's commands); command-line flags add to them.

gunicorn 25.1+ opens a control socket for `gunicornc` at $XDG_RUNTIME_DIR/gunicorn.ctl or
~/.gunicorn/gunicorn.ctl: one path per user. A second gunicorn of that user (more web
processes, a dev stack, a benchmark) takes it over and deletes it when it stops, and a
service user without a writable home logs an error at every start. Onward needs no
control socket, so none is opened; to use gunicornc, remove this line and give each
gunicorn a path of its own with --control-socket. Older gunicorns ignore the name.
"""
control_socket_disable = True


def post_worker_init(worker):
    """Freeze what loading the app made (about 220,000 objects: tenants, understanding's
    tables, SQLAlchemy's and Jinja's caches): the collector's full passes, set off by a
    busy page's allocations, otherwise walk all of it each time, 100-300 ms of one request."""
    import gc

    gc.freeze()
