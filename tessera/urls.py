"""Tessera's URLs. There is no Django admin: configuration goes through actions and the gate."""

from django.urls import include, path

from imports import review_urls
from matching import urls as matching_urls

urlpatterns = [
    path("", include("web.urls")),
    path("young-people/", include("people.urls")),
    path("records/", include("records.urls")),
    path("governance/", include("governance.urls")),
    path("referrals/", include("referrals.urls")),
    path("cases/", include("cases.urls")),
    path("assessments/", include("assessment.urls")),
    path("mase/", include("mase.urls")),
    path("notifications/", include("notifications.urls")),
    path("imports/", include("imports.urls")),
    # Matching's pages (the queue, the thresholds) and the imports app's pages that act on its
    # decisions (one review, the links, undoing a link), under one namespace: matching sits
    # below imports and does not link to its views.
    path(
        "matching/",
        include((matching_urls.urlpatterns + review_urls.urlpatterns, matching_urls.app_name)),
    ),
    path("privacy-preserving/", include("pprl.urls")),
    path("intelligence/", include("intelligence.urls")),
    path("alerts/", include("alerts.urls")),
]

handler404 = "web.errors.not_found"
handler500 = "web.errors.server_error"
handler403 = "web.errors.forbidden"
