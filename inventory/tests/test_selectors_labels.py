"""How audit actions read on the dashboard and the camera timeline."""

from inventory.selectors import action_label


def test_sweep_and_kiosk_actions_read_as_sentences_not_codes():
    assert action_label("flag.raise") == "Flag raised"
    assert action_label("checkout.preshift_passed") == "Pre-shift check passed"
    assert action_label("kiosk.sign_in") == "Signed in at the kiosk"


def test_an_unknown_action_still_reads_without_dots_or_underscores():
    assert action_label("camera.some_new_thing") == "Camera: some new thing"
