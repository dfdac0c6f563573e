"""Enumerations of the Service Orders API, in their declared (rank) order."""

from __future__ import annotations

STATES = ("NEW", "IN_PROGRESS", "WAITING", "DONE", "CLOSED", "CANCELLED")
PRIORITIES = ("NONE", "LOW", "NORMAL", "HIGH", "URGENT")
EVENT_TYPES = ("NOTE", "STATUS_CHANGE", "CUSTOMER_CONTACT", "INTERNAL")
CHANNELS = ("SMS", "EMAIL")
NOTIFICATION_STATUSES = ("QUEUED", "SENT", "FAILED")

STATE_LABELS = {
    "NEW": "received",
    "IN_PROGRESS": "in progress",
    "WAITING": "waiting",
    "DONE": "ready for pickup",
    "CLOSED": "closed",
    "CANCELLED": "cancelled",
}
