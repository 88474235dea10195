"""Background work: reminder schedule, missed check-ins, the email outbox and its sender."""
