"""HTTP entry points: thin routes that open a session, call a use case and commit."""
