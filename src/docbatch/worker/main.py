"""The module Celery workers load: ``celery -A docbatch.worker.main:app worker``.

Settings are read from the environment once, here, when the worker process starts.
"""

from __future__ import annotations

from docbatch.settings import Settings
from docbatch.worker.app import create_app
from docbatch.worker.preload import preload
from docbatch.worker.privileges import connect_root_guard

_settings = Settings.from_env()
app = create_app(_settings)
connect_root_guard()
# Before Celery forks the pool: every pool process starts with the stages loaded.
preload(_settings.pipeline_options())
