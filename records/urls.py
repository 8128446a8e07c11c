from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/seen-by/", views.record_seen_by, name="seen-by"),
    path("<int:pk>/links/", views.record_add_link, name="add-link"),
    path("new/for/<int:young_person_pk>/", views.record_new, name="new"),
    path("concern-categories/", views.concern_categories, name="concern-categories"),
    path("concern-categories/new/", views.concern_category_new, name="concern-category-new"),
    path(
        "concern-categories/<int:pk>/change/",
        views.concern_category_edit,
        name="concern-category-edit",
    ),
    path(
        "concern-categories/<int:pk>/retire/",
        views.concern_category_retire,
        name="concern-category-retire",
    ),
]

# Included by people/urls.py, under /young-people/, so the names stay people:detail and
# people:export.
young_person_urlpatterns = [
    path("<int:pk>/", views.chronology, name="detail"),
    path("<int:pk>/export/", views.export_chronology, name="export"),
]
