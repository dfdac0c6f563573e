"""``servicestub contract``: schemathesis, driven through its Python engine,
plus the checks these specs promise, against any running implementation.

Layers, each importing only those above it:

* ``model``: options, failures and outcomes (plain data, cheap to import);
* ``checks``: servicestub's own checks, registered with schemathesis;
* ``config``, ``determinism``: how schemathesis is set up for one spec;
* ``recording``, ``lifecycle``: engine events and a create/read/delete probe
  turned into an outcome;
* ``behaviour``: the behavioural phase (rule families as hypothesis state
  machines over HTTP against an oracle of the contract), run after the others;
* ``runner``: one run over the chosen specs against one origin;
* ``console``, ``junit``, ``markdown``: reports of an outcome;
* ``server``: a real uvicorn server in a thread (``--self``, tests, pytest plugin);
* ``command``: the click command.

Only ``model``, ``server`` and ``command`` load without schemathesis.
"""

from servicestub.contract.model import PHASES

__all__ = ["PHASES"]
