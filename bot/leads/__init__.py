"""Leads end to end: intake, scoring and routing with their audit trail, and the Slack side of it."""
