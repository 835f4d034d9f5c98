"""devstack.inboxes on a moto server, as `make run` uses it: queues on the topics, a reader for all sent."""

from __future__ import annotations

import pytest


@pytest.fixture
def server():
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    yield f"http://{host}:{port}"
    moto.stop()


def test_a_person_can_read_every_alert_sms_and_email_sent_on_the_local_stack(server, capsys):
    import boto3

    from devstack.inboxes import main, subscribe_inboxes
    from devstack.provision import provision

    stack = provision("inboxes", endpoint_url=server)
    inboxes = subscribe_inboxes(stack, server, agencies=["so-y-te"])
    assert set(inboxes) == {"ioc", "agencies", "agency:so-y-te", "sms_and_email", "read"}
    assert subscribe_inboxes(stack, server, agencies=["so-y-te"]) == inboxes  # every start: same queues

    kw = {"region_name": stack.region, "endpoint_url": server}
    sns, ses = boto3.client("sns", **kw), boto3.client("ses", **kw)

    def alert(agency_id: str, text: str) -> None:
        sns.publish(TopicArn=stack.arns["AgencyAlertsTopic"], Message=text, Subject="Phan anh",
                    MessageAttributes={"agency_id": {"DataType": "String", "StringValue": agency_id}})

    alert("so-y-te", "cho So Y te")
    alert("so-xay-dung", "cho So Xay dung")
    sns.publish(TopicArn=stack.arns["IocAlertsTopic"], Message="cho Trung tam")
    sns.publish(PhoneNumber="+84912345678", Message="Phan anh DLK-0000-0001 da tiep nhan")
    ses.send_email(Source=stack.environment["SES_SENDER"], Destination={"ToAddresses": ["soyte@example.vn"]},
                   Message={"Subject": {"Data": "Phản ánh được giao"}, "Body": {"Text": {"Data": "Xem"}}})

    assert main(["--endpoint", server, "--stage", "inboxes"]) == 0
    out = capsys.readouterr().out
    own = out.split("== phananh-inboxes-inbox-agency-so-y-te")[1].split("==")[0]
    assert "cho So Y te" in own and "cho So Xay dung" not in own  # the agency's filter
    assert "cho So Xay dung" in out.split("== phananh-inboxes-inbox-agencies")[1].split("== ")[0]
    assert "cho Trung tam" in out.split("== phananh-inboxes-inbox-ioc")[1]
    assert "-> +84912345678: Phan anh DLK-0000-0001 da tiep nhan" in out
    assert "-> soyte@example.vn: Phản ánh được giao" in out

    assert main(["--endpoint", server, "--stage", "inboxes", "--consume"]) == 0  # --consume drains
    capsys.readouterr()
    assert main(["--endpoint", server, "--stage", "inboxes"]) == 0  # after draining, nothing left
    assert "cho So Y te" not in capsys.readouterr().out
