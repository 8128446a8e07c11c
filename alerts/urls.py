from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_queue, name="queue"),
    path("<int:pk>/", views.alert_detail, name="alert"),
    path("<int:pk>/accept/referral/", views.accept_referral, name="accept-referral"),
    path(
        "<int:pk>/accept/referral/<int:referral_pk>/",
        views.accept_into_waiting_referral,
        name="accept-waiting-referral",
    ),
    path("<int:pk>/accept/action/", views.accept_action, name="accept-action"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:pk>/", views.rule_detail, name="rule"),
    path("rules/<int:pk>/parameters/", views.rule_parameters, name="rule-parameters"),
    path("rules/<int:pk>/switch/", views.rule_switch, name="rule-switch"),
    path("benign-values/", views.benign_value_list, name="benign-values"),
    path("benign-values/add/", views.add_benign_value, name="add-benign-value"),
    path("benign-values/<int:pk>/remove/", views.remove_benign_value, name="remove-benign-value"),
    path("replays/", views.replays, name="replays"),
    path("replays/<int:pk>/", views.replay_detail, name="replay"),
    path("replays/<int:pk>/csv/", views.replay_csv, name="replay-csv"),
]
