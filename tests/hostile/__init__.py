"""Hostile inputs: generated corpus and the operations that misbehave on purpose."""
