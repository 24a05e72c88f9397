"""Secrets: the guard that keeps values out of files, references, where values resolve and where new ones go."""
