from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("links/", views.links, name="links"),
    path("links/<int:row_pk>/undo/", views.undo, name="undo"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/<slug:feed>/", views.thresholds_edit, name="thresholds-edit"),
]
