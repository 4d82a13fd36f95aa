"""``make bench``: direct vs plain Envoy vs Envoy + Sluice sidecar, on one machine."""
