"""One machine: the embedded private Redis and local workers, and running a batch to
its end (``docbatch run``)."""
