"""docbatch: turn large batches of legal documents into structured data."""

__version__ = "0.1.0"
