from django.db import DatabaseError, connection
from django.http import JsonResponse


def ready(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"db": "down"}, status=503)
    return JsonResponse({"db": "ok"})
