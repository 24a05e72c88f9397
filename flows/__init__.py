"""Guided flows: pure steps and questions that turn answers into workspace changes."""
