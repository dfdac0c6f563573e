"""The Services API v4 catalogue: services, their lookup tables and share plans."""
