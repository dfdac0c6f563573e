"""The rules and state of each API served, one package per API."""
