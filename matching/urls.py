from django.urls import path

from matching import views

# The review of one item, the links list and undoing a link are the imports app's pages under
# this namespace: see ``imports.review_urls`` and ``tessera.urls``.

app_name = "matching"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/<slug:feed>/", views.thresholds_edit, name="thresholds-edit"),
]
