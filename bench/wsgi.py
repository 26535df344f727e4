"""The shop's WSGI application with an SQL statement count on every response (benchmark only).

``bench/run.py`` serves this module with gunicorn instead of ``config.wsgi``; production never
loads it, so counting costs nothing there. Each response carries ``X-Bench-Queries``: the
statements the request sent to the database through Django (``connection.execute_wrapper``,
savepoints included; BEGIN/COMMIT that psycopg issues itself are not statements Django sends,
so ``run.py`` reports transactions separately from ``pg_stat_database``). Sync workers serve
one request at a time, so a process-wide counter reset per request is exact.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.db.backends.signals import connection_created

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

HEADER = "X-Bench-Queries"
_statements = 0


def _count(execute, sql, params, many, context):
    global _statements
    _statements += 1
    return execute(sql, params, many, context)


def _count_on(sender, connection, **kwargs):
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


connection_created.connect(_count_on)


def application(environ, start_response):
    global _statements
    _statements = 0

    def start_with_count(status, headers, exc_info=None):
        # Django calls start_response once the view has run: every statement of the request is counted.
        return start_response(status, [*headers, (HEADER, str(_statements))], exc_info)

    return django_application(environ, start_with_count)
