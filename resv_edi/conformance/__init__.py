"""The conformance kit: scenarios (casus) with their expected return messages, and the checks
that compare a vendor's declarations (check-sent) and return messages (check-answered) with
them; plus the release bundle that pins one version of the standard."""
