"""A tenant's hourly rates."""

from servicestub.apis.orders.tenant_setup import HOURLY_RATES
from servicestub.handlers._collections import tenant_collection

_ops = tenant_collection(HOURLY_RATES, "hourly_rate_uid")
list_hourly_rates = _ops.list
create_hourly_rate = _ops.create
update_hourly_rate = _ops.update
