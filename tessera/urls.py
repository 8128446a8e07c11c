"""Tessera's URLs. There is no Django admin: configuration goes through actions and the gate."""

from django.urls import include, path

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
    path("matching/", include("matching.urls")),
    path("privacy-preserving/", include("pprl.urls")),
]

handler404 = "web.errors.not_found"
handler500 = "web.errors.server_error"
handler403 = "web.errors.forbidden"
