"""The use-case layer: one module per feature, each use case one transaction with its outbox rows."""
