"""Every scenario of the catalog under both profiles, through the module: the same runs
as `maillab scenario run --all` and the GoogleTest suite."""
import pytest

import maillab

CATALOG = maillab.catalog()


def test_the_catalog_has_every_documented_id():
    ids = {s.id for s in CATALOG}
    documented = {
        "CHECK-client", "CHECK-logging", "CHECK-stage", "DL-service-stopped", "DL-connect-failed", "DL-banner",
        "DL-bad-password", "DL-empty-drop", "DL-competing-client", "DL-quit", "CDO-events", "CDO-missing-folders",
        "CDO-manual-pickup", "CDO-event-sink", "CDO-corrupt-eml", "CDO-antivirus-file", "CDO-components",
        "CDO-failed-mail", "SMTP-pickup-empty", "SMTP-service-stopped", "SMTP-forwarding", "SMTP-quota",
        "SMTP-recipient-policy", "SMTP-client-rules", "SMTP-anonymous-disabled", "SMTP-antivirus-pickup",
        "EX-verbs-loaded", "EX-verbs-missing", "SD-sender-denied", "SD-too-large", "SD-slowdown"}
    assert documented <= ids, documented - ids


@pytest.mark.parametrize("scenario", CATALOG, ids=lambda s: s.id)
@pytest.mark.parametrize("profile", ["sbs2003", "robust"])
def test_scenario(scenario, profile):
    if profile not in scenario.profiles:
        pytest.skip(f"{scenario.id} does not run under {profile}")
    result = scenario.run(profile)
    assert result.passed, "\n".join(result.failures() + result.transcript)
    assert result.checks[-1].step == "conservation"
