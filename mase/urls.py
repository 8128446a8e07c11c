from django.urls import URLPattern

app_name = "mase"

urlpatterns: list[URLPattern] = []
