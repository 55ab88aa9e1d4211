"""The admin site: Django's, with the login form that asks for a one-time code, a
second factor enforced where the settings require one, and a notice on the start page
when background tasks have failed."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samverkan.signin import AdminLoginForm, needs_second_factor

# Failed tasks this recent are shown on the admin's start page.
FAILED_TASKS_NOTICE_DAYS = 7


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def index(self, request, extra_context=None):
        extra_context = {"failed_tasks": failed_tasks(request), **(extra_context or {})}
        return super().index(request, extra_context)

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


def failed_tasks(request):
    """How many background tasks (PDFs, imports) failed lately, for whoever may read
    why: a failed import or report should not go unnoticed until someone asks."""
    if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
        return None
    since = timezone.now() - timedelta(days=FAILED_TASKS_NOTICE_DAYS)
    count = DBTaskResult.objects.failed().filter(finished_at__gte=since).count()
    if not count:
        return None
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    return {
        "count": count,
        "days": FAILED_TASKS_NOTICE_DAYS,
        "url": f"{changelist}?status__exact=FAILED",
    }
