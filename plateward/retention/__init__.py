"""Retention: the retention rule, purge, legal holds, backups that forget, daily aggregates."""
