from django.urls import path

from pprl import views

app_name = "pprl"

urlpatterns = [
    path("", views.submissions, name="submissions"),
    path("files/<int:pk>/", views.submission, name="submission"),
    path("notices/<int:pk>/request/", views.request_disclosure, name="request"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.decide, name="decide"),
]
