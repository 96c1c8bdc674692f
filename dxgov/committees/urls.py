from django.urls import path

from dxgov.committees import views

app_name = "committees"
urlpatterns = [
    path("", views.committee_list, name="list"),
    path("me/", views.mine, name="mine"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/ballots/new/", views.ballot_new, name="ballot_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/report/", views.report_page, name="report"),
    path("sessions/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("sessions/<int:pk>/live/", views.live, name="live"),
    path("sessions/<int:pk>/events", views.session_events, name="session_events"),
    path("sessions/<int:pk>/<slug:step>/", views.session_action, name="session_action"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("ballots/<int:pk>/", views.ballot_page, name="ballot"),
    path("ballots/<int:pk>/result.docx", views.ballot_docx, name="ballot_docx"),
    path("ballots/<int:pk>/events", views.ballot_events, name="ballot_events"),
    path("ballots/<int:pk>/<slug:step>/", views.ballot_action, name="ballot_action"),
    path("answers/<int:pk>/file/", views.answer_file, name="answer_file"),
]
