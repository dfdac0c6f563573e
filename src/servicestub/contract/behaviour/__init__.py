"""The behavioural phase of ``servicestub contract``: rule families that check,
on data the run creates itself, what the contract promises about behaviour.

* ``model``: the oracle, written from the contract alone;
* ``engine``: hypothesis state machines over HTTP, failures with curl lines;
* ``orders``, ``statuses``, ``v4``: the rule families;
* ``created``: the file of created records; ``pdf``: text of a report;
* ``phase``: discovery, scope, the families in turn, cleanup.
"""
