"""The README's example of restoring a snapshot while keeping the admin token."""

from nexigon_fake import Hub


def test_keep_credentials() -> None:
    saved = Hub(seed=99).snapshot_json()  # bytes; taken with another seed
    hub = Hub()
    token = hub.admin_token
    hub.restore(saved, keep_credentials=True)
    assert hub.admin_token == token  # code holding the token keeps working
