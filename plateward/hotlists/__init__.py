"""Hot lists: department entries and their approval, the in-memory matcher, hits and alerts."""
