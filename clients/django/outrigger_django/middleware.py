"""MaintenanceModeMiddleware: while maintenance is on, users get 503 + Retry-After; the health check and
Outrigger's own endpoints still work (the cutover must be able to switch maintenance off again)."""
import json

from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.html import escape

from . import conf, maintenance

APP_NAME = "outrigger"


def is_exempt(path):
    for prefix in conf.get("MAINTENANCE_EXEMPT_PATHS") or []:
        base = prefix.rstrip("/")
        if path == prefix or path == base or (base and path.startswith(base + "/")):
            return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return APP_NAME in match.app_names


def maintenance_response(request):
    retry_after = int(conf.get("MAINTENANCE_RETRY_AFTER_S"))
    message = conf.get("MAINTENANCE_MESSAGE")
    if "application/json" in request.headers.get("Accept", ""):
        response = HttpResponse(
            json.dumps({"error": "maintenance", "message": message, "retry_after": retry_after}),
            status=503, content_type="application/json")
    else:
        response = HttpResponse(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Maintenance</title></head>"
            f"<body><h1>Back soon</h1><p>{escape(message)}</p></body></html>",
            status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class MaintenanceModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # the (cached) state first: while maintenance is off, that is all a request pays
        if maintenance.current_state().enabled and not is_exempt(request.path_info):
            return maintenance_response(request)
        return self.get_response(request)
