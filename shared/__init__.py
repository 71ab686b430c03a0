"""Shared code of the support desk: the domain (SLA calendar and policy) and its adapters.

Modules here never import ``azure.functions``: the function edges in ``functions/`` do that.
"""

__version__ = "0.1.0"
