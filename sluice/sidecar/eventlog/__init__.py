"""The event log's pipeline: workers send captures to one writer process that fills the store.

    worker: Exchange -> Recorder (bounded) -> CaptureSender --unix socket--> writer process:
            frames -> Recorder (bounded, ``store_queue``) -> store_sink -> Store.write

Neither side's data path waits: each hop has a bounded queue that drops the oldest and
counts what it dropped.
"""
