"""Sluice: a policy gateway for the LLM traffic that leaves an organisation.

Envoy is the data plane; the sidecar (``sluice.sidecar``) is its ext_proc server.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
