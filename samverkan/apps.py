from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin with Samverkan's admin site (login with an optional one-time code)."""

    default_site = "samverkan.admin_site.AdminSite"
