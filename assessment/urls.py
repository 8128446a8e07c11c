from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("young-person/<int:young_person_pk>/", views.history, name="history"),
    path("young-person/<int:young_person_pk>/new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("due/", views.due, name="due"),
    path("tool/", views.tool, name="tool"),
    path("tool/change/", views.tool_edit, name="tool-edit"),
]
