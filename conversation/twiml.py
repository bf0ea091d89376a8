"""TwiML answers, built with the twilio library."""
from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

DIAL_TIMEOUT = 20  # seconds a person's phone rings before the caller is told nobody came
KEY_TIMEOUT = 8  # seconds a called person has to press a key after the words end


def messages(replies: list[str]) -> str:
    response = MessagingResponse()
    for body in replies:
        response.message(body)
    return str(response)


# Twilio's language tags for speaking and for hearing a caller, by Onward's language;
# English is left to the defaults.
VOICE_LANGUAGES = {"es": "es-MX"}
# ConversationRelay names a language for every session, English too.
RELAY_LANGUAGES = {"en": "en-US", **VOICE_LANGUAGES}


def gather(say: str, action: str, hints: str = "", lang: str = "en") -> str:
    """Say something and listen for the caller's next words or keys; silence comes back too."""
    response = VoiceResponse()
    language = VOICE_LANGUAGES.get(lang)
    listen = response.gather(input="speech dtmf", action=action, method="POST",
                             action_on_empty_result=True, speech_timeout="auto",
                             timeout=5, hints=hints or None, language=language)
    listen.say(say, language=language)
    return str(response)


def relay(url: str, action: str, greeting: str, hints: str = "", lang: str = "en") -> str:
    """Hand the call to a ConversationRelay session at `url` (wss://): Twilio speaks the greeting,
    hears the caller (speech, or keys) and streams both ways; `action` is posted when it ends."""
    response = VoiceResponse()
    connect = response.connect(action=action, method="POST")
    session = connect.conversation_relay(
        url=url, welcome_greeting=greeting, language=RELAY_LANGUAGES.get(lang, "en-US"),
        interruptible="any", dtmf_detection=True, hints=hints or None)
    for code in RELAY_LANGUAGES.values():  # the languages a call may switch to (a `language` message)
        session.language(code=code)
    return str(response)


def keys(say: str, action: str) -> str:
    """Say something and wait for one key (the keypad only); no key: goodbye."""
    response = VoiceResponse()
    listen = response.gather(input="dtmf", num_digits=1, timeout=KEY_TIMEOUT, action=action, method="POST")
    listen.say(say)
    response.say("Goodbye.")
    response.hangup()
    return str(response)


def hangup() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def dial(say: str, number: str, whisper: str, action: str, lang: str = "en") -> str:
    """Say something, then ring a person, who hears the whisper URL's TwiML first."""
    response = VoiceResponse()
    response.say(say, language=VOICE_LANGUAGES.get(lang))
    ring = response.dial(action=action, method="POST", timeout=DIAL_TIMEOUT)
    ring.number(number, url=whisper, method="POST")
    return str(response)


def whisper(say: str) -> str:
    """What the person dialled hears before the calls are joined."""
    response = VoiceResponse()
    response.say(say)
    return str(response)


def goodbye(say: str, lang: str = "en") -> str:
    response = VoiceResponse()
    response.say(say, language=VOICE_LANGUAGES.get(lang))
    response.hangup()
    return str(response)
