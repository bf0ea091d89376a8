"""The reference servers for bench/webhook.py.

    app          the ceiling: a bare Flask endpoint answering fixed TwiML
    recording    the least a correct webhook does: the same endpoint, also checking Twilio's
                 signature and keeping the webhook, one row inserted and committed in a
                 SQLite database (WAL, as Onward keeps it) with plain sqlite3
"""
import os
import sqlite3
import threading

from flask import Flask, Response, request
from twilio.request_validator import RequestValidator

app = Flask(__name__)
recording = Flask(__name__)
REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'
_local = threading.local()


@app.post("/twilio/sms")
def sms():
    return Response(REPLY, mimetype="text/xml")


@recording.post("/twilio/sms")
def recorded_sms():
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    url = os.environ["PUBLIC_BASE_URL"] + request.path
    if not validator.validate(url, request.form, request.headers.get("X-Twilio-Signature", "")):
        return Response("invalid signature\n", status=403)
    with _connection() as connection:  # one transaction, committed before the answer
        connection.execute("INSERT INTO webhooks (sid, sender, body) VALUES (?, ?, ?)",
                           (request.form["MessageSid"], request.form["From"], request.form["Body"]))
    return Response(REPLY, mimetype="text/xml")


def _connection() -> sqlite3.Connection:
    if not hasattr(_local, "connection"):
        path = os.path.join(os.environ["ONWARD_VAR_DIR"], "recording.db")
        connection = sqlite3.connect(path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS webhooks (sid TEXT PRIMARY KEY, sender TEXT, body TEXT)")
        _local.connection = connection
    return _local.connection
