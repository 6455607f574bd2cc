"""Rendering: what closeloop shows in Slack (cards, forms, messages), built with slack-sdk models."""
