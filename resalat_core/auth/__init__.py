"""Sign-in: pages, sessions, bearer tokens and throttling."""
