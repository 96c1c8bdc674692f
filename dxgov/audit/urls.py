from django.urls import path

from dxgov.audit import views

app_name = "audit"
urlpatterns = [path("", views.ledger_status, name="ledger")]
