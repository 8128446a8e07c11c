from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.second_factor, name="second-factor"),
    path("sign-in/set-up/", views.second_factor_set_up, name="second-factor-set-up"),
    path("sign-in/confirm/", views.confirm_code, name="confirm-code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/authenticator/", views.change_second_factor, name="change-second-factor"),
    path("account/password/", views.change_password, name="change-password"),
    path("health/", views.health, name="health"),
]
