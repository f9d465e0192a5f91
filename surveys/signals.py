"""What happens after responses change: the wave's impact rollups are refreshed soon after."""


def responses_changed(*, wave, province_ids=None):
    """Called after a committed write of responses to ``wave`` (in ``province_ids``, or
    anywhere when None): queue a debounced refresh of its rollups."""
    from .rollups import schedule_refresh

    schedule_refresh(wave=wave, province_ids=province_ids)
