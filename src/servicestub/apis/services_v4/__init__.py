"""The Services API v4: the service catalogue, its lookups and search."""
