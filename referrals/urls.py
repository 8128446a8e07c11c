from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("refer/<int:young_person_pk>/", views.refer, name="refer"),
    path("concern/", views.partner_concern, name="partner-concern"),
    path("receipts/<str:receipt>/", views.receipt, name="receipt"),
    path("mash/", views.mash_queue, name="mash-queue"),
    path("mash/<int:pk>/", views.screen, name="screen"),
]
