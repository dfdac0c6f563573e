"""The Service Orders API: its state, rules, seeding and reports."""
