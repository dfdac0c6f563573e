"""Events of a service order."""

from servicestub.apis.orders.kinds import EVENTS
from servicestub.handlers._collections import order_collection

_ops = order_collection(EVENTS, "event_uid")
list_events = _ops.list
create_event = _ops.create
get_event = _ops.get
update_event = _ops.update
delete_event = _ops.delete
