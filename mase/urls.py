from django.urls import path

from mase import views

app_name = "mase"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/new/", views.schedule, name="schedule"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting-status"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/prepare/", views.prepare, name="prepare"),
    path("meetings/<int:pk>/items/new/", views.add_item, name="add-item"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/move/", views.move_item, name="move-item"),
    path("items/<int:pk>/remove/", views.remove_item, name="remove-item"),
    path("attendance/", views.attendance_report, name="attendance-report"),
    path("activity/", views.activity, name="activity"),
    path("activity/new/", views.record_activity, name="record-activity"),
    path("disruption/", views.disruption_plans, name="disruption-plans"),
    path("disruption/new/", views.new_disruption_plan, name="new-disruption-plan"),
    path("disruption/<int:pk>/", views.disruption_plan, name="disruption-plan"),
    path(
        "disruption/actions/<int:pk>/outcome/", views.disruption_outcome, name="disruption-outcome"
    ),
]
