"""What happens after responses change. The impact rollups subscribe here (next issue)."""


def responses_changed(*, wave, province_ids=None):
    """Called after a committed write of responses to ``wave``. Nothing listens yet."""
    return None
