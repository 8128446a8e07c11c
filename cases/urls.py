from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/team/", views.add_member, name="add-member"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.remove_member, name="remove-member"),
    path("<int:pk>/lead/", views.change_lead, name="change-lead"),
    path("<int:pk>/plan/", views.add_action, name="add-action"),
    path("<int:pk>/review/", views.record_review, name="review"),
    path("<int:pk>/views/", views.record_views, name="views"),
    path("<int:pk>/close/", views.close_case, name="close"),
    path("<int:pk>/reopen/", views.reopen_case, name="reopen"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/strategy/", views.strategy_for_case, name="strategy-for-case"),
    path("actions/", views.my_actions, name="my-actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/complete/", views.complete_action, name="complete-action"),
    path("actions/<int:pk>/cancel/", views.cancel_action, name="cancel-action"),
    path("referrals/", views.without_outcome, name="without-outcome"),
    path("referrals/<int:pk>/", views.referral_outcome, name="referral"),
    path("referrals/<int:pk>/action/", views.referral_action, name="referral-action"),
    path("referrals/<int:pk>/no-action/", views.referral_no_action, name="referral-no-action"),
    path(
        "referrals/<int:pk>/strategy/", views.strategy_from_referral, name="strategy-from-referral"
    ),
    path("referrals/<int:pk>/open/", views.open_from_referral, name="open-from-referral"),
    path("strategy/<int:pk>/", views.strategy_detail, name="strategy"),
    path("pathways/", views.pathways, name="pathways"),
    path("pathways/<int:pk>/remove/", views.remove_pathway, name="remove-pathway"),
]
