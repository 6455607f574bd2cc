"""Money received from outside Slack: the `POST /api/payments` endpoint and `closeloop import payments`."""
