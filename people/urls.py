from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.young_person_list, name="list"),
    path("new/", views.register, name="new"),
    path("<int:pk>/", views.young_person_detail, name="detail"),
    path("<int:pk>/about/", views.about, name="about"),
    path("<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/sharing-decision/", views.sharing_decision, name="sharing-decision"),
    path("<int:pk>/export/", views.export_chronology, name="export"),
]
