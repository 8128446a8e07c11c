from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.young_person_list, name="list"),
    path("<int:pk>/", views.young_person_detail, name="detail"),
]
