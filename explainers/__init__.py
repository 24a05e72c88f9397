"""Learning content: one Markdown file per concept, shipped as package data."""
