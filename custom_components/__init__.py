"""Custom integrations of this repository (a regular package, so it shadows the test harness's own)."""
