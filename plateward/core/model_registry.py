"""Import every capability's models so the metadata is complete (Alembic, tests)."""

from __future__ import annotations


def import_all_models() -> None:
    import plateward.accounts.models
    import plateward.cameras.models
    import plateward.core.audit
    import plateward.core.jobs
    import plateward.hotlists.models
    import plateward.oversight.models
    import plateward.oversight.redlight_models  # red-light review (issue 17)
    import plateward.reads.models
    import plateward.retention.models
    import plateward.search.misuse_models
    import plateward.search.models
    import plateward.sharing.models  # noqa: F401
