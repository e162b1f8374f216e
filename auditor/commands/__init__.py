"""One module per `auditor` sub-command; each imports heavy modules only when it runs."""
