"""The behavioural phase of ``servicestub contract``: rule families that check,
on data the run creates itself, what the contract promises about behaviour.

* ``model``: the oracle, written from the contract alone;
* ``engine``: hypothesis state machines over HTTP, failures with curl lines;
* ``orders``, ``statuses``, ``v4``: the rule families;
* ``pdf``: text of a report; ``phase``: discovery, the families in turn.

The run's scope (:mod:`servicestub.contract.scope`) and its ledger of created
records (:mod:`servicestub.contract.created`) are the runner's, shared with the
schema phases; the runner removes what both created once, at the end.
"""
