"""The engine: what runs one step of a group of documents, wherever it is called from.

- :mod:`~docbatch.engine.executor`: :class:`StageExecutor`, a step from claim to commit;
- :mod:`~docbatch.engine.step`: a claimed document's values during a step, and what a
  group of documents shares;
- :mod:`~docbatch.engine.inputs`: a stage's inputs, from the step, the cache or the
  database;
- :mod:`~docbatch.engine.dedup`: identical bytes computed once (the stage cache's claims);
- :mod:`~docbatch.engine.failures`: an exception turned into a retry or a failure;
- :mod:`~docbatch.engine.reporter`: what a step tells the progress sink;
- :mod:`~docbatch.engine.outcomes`: what a step did, and the next step of a document;
- :mod:`~docbatch.engine.leases`: the heartbeat that keeps a running step's claims;
- :mod:`~docbatch.engine.ranged_ocr`: a big scan OCR'd in page ranges by every worker.

Nothing is imported here, so that importing a light module (``outcomes``) never loads
the executor and the stages.
"""
