"""The registry secretary's rights in the admins that come with libraries: lifting a
login lockout (django-axes), removing a lost authenticator app (django-otp), and
seeing the background tasks and why one failed (django-tasks-db)."""

import rules

from bodies.rules import is_registry_secretary

LIBRARY_MODELS = {
    "axes": ["accessattempt", "accesslog", "accessfailurelog"],
    "otp_totp": ["totpdevice"],
    "django_tasks_database": ["dbtaskresult"],
}

for app_label, model_names in LIBRARY_MODELS.items():
    rules.add_perm(app_label, is_registry_secretary)
    for model_name in model_names:
        for action in ("view", "add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{model_name}", is_registry_secretary)
