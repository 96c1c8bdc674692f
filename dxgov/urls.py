from django.urls import include, path

from dxgov.accounts import views as account_views
from dxgov.api import api
from dxgov.core import views as core_views

# The landing page keeps its name, core:home (templates and the login redirect use it).
home = ([path("", account_views.home, name="home")], "core")

urlpatterns = [
    path("", include(home)),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("accounts/", include("dxgov.accounts.urls")),
    path("directives/", include("dxgov.directives.urls")),
    path("audit/", include("dxgov.audit.urls")),
    path("reports/", include("dxgov.reporting.urls")),
    path("reports/", include("dxgov.reporting.urls_files")),
    path("indicators/", include("dxgov.reporting.urls_indicators")),
    path("", include("dxgov.orgunits.urls")),
    path("notifications/", include("dxgov.notifications.urls")),
    path("dashboard/", include("dxgov.dashboard.urls")),
    path("dossiers/", include("dxgov.dossiers.urls")),
    path("scores/", include("dxgov.scoring.urls")),
    path("investments/", include("dxgov.investments.urls")),
    path("indices/", include("dxgov.indices.urls")),
    path("programmes/", include("dxgov.programmes.urls")),
    path("committees/", include("dxgov.committees.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "dxgov.core.views.bad_request"
handler403 = "dxgov.core.views.permission_denied"
handler404 = "dxgov.core.views.page_not_found"
handler500 = "dxgov.core.views.server_error"
