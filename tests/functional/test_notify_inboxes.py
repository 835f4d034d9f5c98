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


@pytest.fixture
def stack_server():
    """The local stack's own moto server (devstack.stack.MotoServer), as `make run` starts it."""
    from devstack.stack import MotoServer

    moto = MotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    yield moto.url
    moto.stop()


def test_the_reader_shows_each_stage_its_own_sms_and_email_without_moto_s_whole_dump(stack_server, capsys,
                                                                                   monkeypatch, tmp_path):
    import json
    import urllib.request

    import boto3

    from devstack import inboxes

    kw = {"region_name": "ap-southeast-1", "endpoint_url": stack_server}
    sns, ses = boto3.client("sns", **kw), boto3.client("ses", **kw)
    sns.publish(PhoneNumber="+84912345678", Message="Phan anh DLK-7KQ3-M9XD da tiep nhan")
    sns.publish(PhoneNumber="+84912345679", Message="Phan anh HUE-7KQ3-M9XD da tiep nhan")
    sns.publish(PhoneNumber="+84912345670", Message="Tin nhan thu")  # names no province: shown to every stage
    ses.verify_email_identity(EmailAddress="no-reply@phananh.example.gov.vn")
    for to, subject in (("a@daklak.example.vn", "Tỉnh Đắk Lắk: bản tin sáng"), ("b@hue.example.vn", "HUE-0000-0001")):
        ses.send_email(Source="no-reply@phananh.example.gov.vn", Destination={"ToAddresses": [to]},
                       Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Xem"}}})

    fetched: list[str] = []
    urlopen = urllib.request.urlopen
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, **kw: fetched.append(url) or urlopen(url, **kw))
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(json.dumps({"moto_url": stack_server, "stages": {
        "dev": {"province": "daklak"}, "hue": {"province": "hue"}}}), encoding="utf-8")
    monkeypatch.setattr(inboxes, "ENDPOINTS", endpoints)

    def read(*args: str) -> str:
        assert inboxes.main(["--endpoint", stack_server, *args]) == 0
        return capsys.readouterr().out

    dev = read("--stage", "dev")
    assert "DLK-7KQ3-M9XD" in dev and "HUE-7KQ3-M9XD" not in dev and "Tin nhan thu" in dev
    assert "a@daklak.example.vn" in dev and "b@hue.example.vn" not in dev
    hue = read("--stage", "hue")
    assert "HUE-7KQ3-M9XD" in hue and "DLK-7KQ3-M9XD" not in hue and "Tin nhan thu" in hue
    assert "b@hue.example.vn" in hue and "a@daklak.example.vn" not in hue
    both = read()  # default: the stages make run runs, each under its own heading
    assert both.index("stage dev (daklak)") < both.index("DLK-7KQ3-M9XD") < both.index("stage hue (hue)")
    assert both.index("stage hue (hue)") < both.index("HUE-7KQ3-M9XD")
    assert fetched and all(url.endswith(inboxes.SENT_PATH) for url in fetched), fetched  # never the whole dump
