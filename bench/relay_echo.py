"""The ceiling for bench/voice.py: a ConversationRelay WebSocket on Onward's stack (Flask,
flask-sock, gunicorn's threaded worker) that answers each prompt with its own words as one
text token, `last: true`, and does nothing else (no signature check, no database)."""
import json

from flask import Flask, Response
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)


@app.get("/healthz")
def healthz():
    return Response("ok\n", mimetype="text/plain")


@sock.route("/twilio/relay")
def relay(ws):
    while True:
        message = json.loads(ws.receive())
        if message.get("type") == "prompt" and message.get("last"):
            ws.send(json.dumps({"type": "text", "token": message["voicePrompt"], "last": True}))
