"""Oversight: the auditor's view of the audit trail (DUP §9), and later audits and reports."""
