"""Admin pieces that read every app: the structure file import of a mandate period.

bodies/admin.py registers the mandate period admin; the import reads and writes people
and appointments too (samverkan/files), which bodies may not import
(tests/test_app_graph.py). So it is registered again here, with the import added.
samverkan comes after bodies in INSTALLED_APPS and imports bodies.admin anyway.
"""

from django.contrib import admin

from bodies import admin as bodies_admin
from bodies.models import MandatePeriod
from samverkan.admin_import import StructureImportMixin

admin.site.unregister(MandatePeriod)


@admin.register(MandatePeriod)
class MandatePeriodAdmin(StructureImportMixin, bodies_admin.MandatePeriodAdmin):
    pass
