"""The use cases: one home each, and the only writers.

A service decides rights through ``domain.policy``, changes the store in one
transaction, queues what people must hear through the outbox (one path:
``Service._send_parts``), and returns one typed result. Timers (``scheduling``)
and handlers (``handlers``) call services; services call ``domain`` and ``storage``.
"""
