"""The ext_proc sidecar: the gRPC server, one Exchange per HTTP stream, the SSE parser, the
format adapters and the policy chain that runs over them.

Import the parts from their modules (``sluice.sidecar.server``, ``.exchange``, ``.sse``,
``.formats``); this package exports nothing itself, so importing it loads no gRPC.
"""

__all__: list[str] = []
