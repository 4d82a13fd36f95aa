"""The admin HTTP server: health probes, ``/metrics``, the history API and the web UI."""

from sluice.admin.app import create_app, start_admin
from sluice.admin.health import Readiness

__all__ = ["Readiness", "create_app", "start_admin"]
