"""`closeloop console`: the same bot in a terminal, with a stand-in Slack answering in-process."""
