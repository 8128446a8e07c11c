from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/match-waiting/", views.match_waiting, name="match-waiting"),
    path("<int:pk>/report.csv", views.report, name="report"),
]
