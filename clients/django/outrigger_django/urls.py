"""include("outrigger_django.urls") under e.g. path("internal/outrigger/", ...). A trailing slash is optional."""
from django.urls import re_path

from . import views

app_name = "outrigger"

urlpatterns = [
    re_path(r"^tasks/(?P<name>[^/]+)/?$", views.task, name="task"),
    re_path(r"^hooks/(?P<name>[^/]+)/?$", views.hook, name="hook"),
    re_path(r"^maintenance/?$", views.maintenance_switch, name="maintenance"),
    re_path(r"^verify-writes/?$", views.verify_writes, name="verify-writes"),
]
