from django.urls import path

from casework import case_views as views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("actions/", views.my_actions, name="my-actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/complete/", views.complete_action, name="complete-action"),
    path("actions/<int:pk>/cancel/", views.cancel_action, name="cancel-action"),
]
