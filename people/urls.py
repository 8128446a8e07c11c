from django.urls import path

from people import views
from records.urls import young_person_urlpatterns

app_name = "people"

urlpatterns = [
    path("", views.young_person_list, name="list"),
    # The chronology and its export are the records app's; their URLs stay under the person.
    *young_person_urlpatterns,
    path("new/", views.register, name="new"),
    path("<int:pk>/about/", views.about, name="about"),
    path("<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/sharing-decision/", views.sharing_decision, name="sharing-decision"),
]
