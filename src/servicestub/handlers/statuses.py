"""A tenant's workflow statuses."""

from servicestub.apis.orders.tenant_setup import STATUSES
from servicestub.handlers._collections import tenant_collection

_ops = tenant_collection(STATUSES, "status_uid")
list_service_statuses = _ops.list
create_service_status = _ops.create
update_service_status = _ops.update
