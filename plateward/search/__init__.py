"""Search: the query model, purpose-gated search of reads, and misuse signals for auditors."""
