from django.contrib import admin
from django.urls import include, path

from shop import views

urlpatterns = [
    path("healthz", views.healthz),
    path("", views.home),
    path("example/records", views.records),
    path("example/publish", views.publish_view),
    path("example/tasks/enqueue", views.enqueue_task),
    path("example/tasks/<str:result_id>", views.task_result),
    path("example/celery", views.celery_call_view),
    path("internal/outrigger/", include("outrigger_django.urls")),
    path("admin/", admin.site.urls),
]
