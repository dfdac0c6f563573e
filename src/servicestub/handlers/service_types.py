"""A tenant's service types."""

from servicestub.apis.orders.tenant_setup import SERVICE_TYPES
from servicestub.handlers._collections import tenant_collection

_ops = tenant_collection(SERVICE_TYPES, "service_type_uid")
list_service_types = _ops.list
update_service_type = _ops.update
