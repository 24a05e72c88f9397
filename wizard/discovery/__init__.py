"""What exists in live systems, set beside the inventory: snapshots read by `discover`, adoption, and drift."""
