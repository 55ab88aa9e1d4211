"""A structure file uploaded in the admin, imported by the task worker.

A large file (thousands of bodies) takes longer to write than a web server waits for a
request, so the upload only stores the file here and queues ``run_structure_import``
(samverkan/admin_import.py); the secretary follows the job's state and reads its report
on the job's page and on the mandate period list.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        CHECKING = "checking", _("kontrolleras")
        WRITING = "writing", _("skrivs")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    created_at = models.DateTimeField(_("uppladdad"), auto_now_add=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file_name = models.CharField(_("fil"), max_length=255)
    content = models.BinaryField(_("innehåll"))
    dry_run = models.BooleanField(_("provkörning"), default=False)
    status = models.CharField(
        _("läge"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    summary = models.TextField(_("sammanfattning"), blank=True)
    changes = models.JSONField(_("ändringar"), default=list, blank=True)
    problems = models.JSONField(_("fel"), default=list, blank=True)
    changed = models.BooleanField(_("ändrade något"), default=False)
    change_set = models.ForeignKey(
        "bodies.ChangeSet",
        verbose_name=_("samlad ändring"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inläsning av strukturfil")
        verbose_name_plural = _("inläsningar av strukturfiler")

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def seconds(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    def get_admin_url(self):
        return reverse("admin:bodies_mandateperiod_import_job", args=[self.pk])
