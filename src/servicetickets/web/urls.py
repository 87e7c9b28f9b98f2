from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from servicetickets.accounts.signin import SigninForm
from servicetickets.web import pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/revoke", views.token_revoke_view, name="token-revoke"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SigninForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *pwa.urlpatterns,
]
