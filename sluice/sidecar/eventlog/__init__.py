"""The event log's pipeline: workers send captures to one writer process that fills the store.

    worker: Exchange -> Recorder (bounded) -> CaptureSender --unix socket--> writer process:
            frames -> Recorder (bounded, ``store_queue``) -> store_sink -> Store.write

Neither side's data path waits: each hop has a queue bounded in captures and in bytes
(``store_queue``, ``store_queue_bytes``) that drops the oldest and counts what it dropped;
a capture keeps at most ``store_capture_bytes`` and a frame is at most ``store_frame_bytes``.
"""
