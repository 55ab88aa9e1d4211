"""Admin pieces that read every app: the structure file import of a mandate period and
the nominations of a body.

bodies/admin.py registers the mandate period and body admins; the import and the
nominations read and write people and appointments too (samverkan/files), which bodies
may not import (tests/test_app_graph.py). So they are registered again here, with those
pages added. samverkan comes after bodies and members in INSTALLED_APPS and imports their
admin modules, so theirs are the registrations replaced.
"""

from django.contrib import admin

from bodies import admin as bodies_admin
from bodies.models import Body, MandatePeriod
from members import admin as members_admin
from samverkan.admin_import import StructureImportMixin
from samverkan.admin_nominations import NominationsAdminMixin

admin.site.unregister(MandatePeriod)
admin.site.unregister(Body)


@admin.register(MandatePeriod)
class MandatePeriodAdmin(StructureImportMixin, bodies_admin.MandatePeriodAdmin):
    pass


@admin.register(Body)
class BodyAdmin(NominationsAdminMixin, members_admin.BodyAdmin):
    pass
