"""The ceiling for bench/webhook.py: a bare Flask endpoint answering fixed TwiML."""
from flask import Flask, Response

app = Flask(__name__)
REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


@app.post("/twilio/sms")
def sms():
    return Response(REPLY, mimetype="text/xml")
