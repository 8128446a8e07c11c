from django.urls import URLPattern

app_name = "pprl"

urlpatterns: list[URLPattern] = []
