"""Hours booked on a service order."""

from servicestub.apis.orders.kinds import HOURS
from servicestub.handlers._collections import order_collection

_ops = order_collection(HOURS, "hours_uid")
list_hours = _ops.list
create_hours = _ops.create
get_hours = _ops.get
update_hours = _ops.update
delete_hours = _ops.delete
