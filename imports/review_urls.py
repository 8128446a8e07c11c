"""The review pages of imported rows, joined to the ``matching`` namespace by ``tessera.urls``."""

from django.urls import path

from imports import review_views

urlpatterns = [
    path("review/<int:pk>/", review_views.review, name="review"),
    path("links/", review_views.links, name="links"),
    path("links/<int:row_pk>/undo/", review_views.undo, name="undo"),
]
