"""An outside pytest project: maillab installed with pip into a virtual environment, its
plugin loaded by the entry point (no conftest here), the catalog from the package data.
Run by tests/consumers/run_python_consumer.sh from a directory outside the repository."""
import maillab
from maillab import replies


def test_the_package_knows_its_version_and_replies():
    assert maillab.__version__.count(".") == 2
    assert replies.POP3["LogonOk"] == "+OK User successfully logged on."
    assert replies.SMTP["SenderDenied"] == "554 5.1.0 Sender denied"


def test_the_catalog_is_the_installed_one():
    assert "site-packages" in maillab.catalog_dir()
    ids = [s.id for s in maillab.catalog()]
    assert "SD-sender-denied" in ids and len(ids) >= 30


def test_a_catalog_scenario_runs(tmp_path):
    scenario = next(s for s in maillab.catalog() if s.id == "SD-sender-denied")
    result = scenario.run("robust")
    assert result.passed, result


def test_the_plugin_fixtures_come_from_the_entry_point(pop3_server, smtp_server, connector):
    pop3_server.add_message("bob", "From: a@fabrikam.com\r\nTo: bob@contoso.local\r\n"
                                   "Message-ID: <out1@fabrikam.com>\r\n\r\nhi\r\n")
    report = connector.run_once()
    assert report.delivered == 1
    assert len(smtp_server.mailbox("bob@contoso.local")) == 1
