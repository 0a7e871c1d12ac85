from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.urls import include, path


def home(request):
    return HttpResponse("home")


def healthz(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("", home),
    path("healthz", healthz),
    path("status/deep", healthz),
    path("internal/outrigger/", include("outrigger_django.urls")),
    path("admin/", admin.site.urls),
]
