"""What happens after responses change: the wave's impact rollups are refreshed soon after."""


def responses_changed(*, wave, province_ids=None):
    """Called inside the transaction that writes responses to ``wave`` (in ``province_ids``,
    or anywhere when None): its rollups are marked out of date in that transaction, and a
    debounced refresh is queued once it commits."""
    from .rollups import mark_pending

    mark_pending(wave=wave, province_ids=province_ids)
