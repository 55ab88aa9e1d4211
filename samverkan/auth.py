"""Sign-in by password, without Django's model permissions.

Every right in the admin comes from the registry's roles through the rules
(``rules.permissions.ObjectPermissionBackend``; see ``bodies/rules.py``). Django's
ModelBackend would also grant a user every object of a model for a permission ticked
in the user form ("change body" = every body of every period), behind the rules' back;
this backend keeps its password check and grants nothing.
"""

from django.contrib.auth.backends import ModelBackend


class NoModelPermissions:
    """For a sign-in backend built on ModelBackend: it answers no permission question."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


class PasswordOnlyBackend(NoModelPermissions, ModelBackend):
    """Checks user name and password; answers no permission question."""
