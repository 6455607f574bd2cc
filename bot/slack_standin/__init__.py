"""Slack's Web API answered without Slack: the console calls it in-process, the tests over HTTP."""
