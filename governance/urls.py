from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("sharing-agreement/", views.agreement, name="agreement"),
    path("sharing-agreement/edit/", views.agreement_edit, name="agreement-edit"),
    path("sharing-agreement/versions/<int:pk>/", views.agreement_version, name="agreement-version"),
    path("break-glass/", views.break_glass_queue, name="break-glass"),
    path("break-glass/<int:pk>/review/", views.break_glass_review, name="break-glass-review"),
    path("retention/", views.retention, name="retention"),
    path("retention/<int:pk>/dispose/", views.retention_dispose, name="retention-dispose"),
    path("subject-access/", views.subject_access_start, name="subject-access-start"),
    path("subject-access/<int:pk>/", views.subject_access, name="subject-access"),
]
