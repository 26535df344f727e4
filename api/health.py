"""GET /health: is this app server able to serve? It answers after a ``SELECT 1`` on the database.

200 {"status": "ok", "database": "ok"}; 503 {"status": "error", "database": "error"} when the
database does not answer (a load balancer takes the server out of rotation). The error
itself is logged, never shown.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
