"""Foundations every layer may use: errors, settings, JSON and YAML I/O."""
