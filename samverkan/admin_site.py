"""The admin site: Django's, with the login form that asks for a one-time code and a
second factor enforced where the settings require one."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from samverkan.signin import AdminLoginForm, needs_second_factor


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request)

    def login(self, request, extra_context=None):
        # Signed in with a password but still owing the one-time code (or an app not
        # set up yet): the admin's pages send such a user here; pass them on.
        if request.user.is_authenticated and needs_second_factor(request):
            return redirect(reverse("second_factor"))
        extra_context = {
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
            **(extra_context or {}),
        }
        return super().login(request, extra_context)
