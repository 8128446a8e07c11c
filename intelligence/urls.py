from django.urls import path

from intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/suggestions/", views.suggestion, name="suggestion"),
    path("<int:pk>/export/", views.export, name="export"),
    path("entities/", views.find, name="find"),
    path("entities/<str:kind>/<int:pk>/", views.entity, name="entity"),
    path("entities/<str:kind>/<int:pk>/links/new/", views.add_link, name="add-link"),
    path("people/new/", views.new_person, name="new-person"),
    path("people/<int:pk>/names/new/", views.add_alias, name="add-alias"),
    path("resolve/", views.resolve, name="resolve"),
    path("judgements/<int:pk>/reverse/", views.reverse_judgement, name="reverse-judgement"),
]
