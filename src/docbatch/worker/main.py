"""The module Celery workers load: ``celery -A docbatch.worker.main:app worker``.

Settings are read from the environment once, here, when the worker process starts.
"""

from __future__ import annotations

from docbatch.settings import Settings
from docbatch.worker.app import create_app
from docbatch.worker.privileges import connect_root_guard

app = create_app(Settings.from_env())
connect_root_guard()
