"""Backups and recovery: verified copies of the store and the evidence, and Litestream."""
