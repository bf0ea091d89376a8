"""The words that signal each customer intent, in English and a little Spanish, on folded text."""
from __future__ import annotations

import re


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


PERSON = (r"(?:someone|somebody|some one|a person|person|a human|human|real person|real human|manager|owner|operator"
          r"|an agent|agent|representative|a rep|rep|anyone|staff|barber|alguien|una persona|persona|gerente)")
OPERATOR = _any(
    rf"\b(?:talk|speak|chat|hablar)(?:ing)? (?:to|with|w/?|con) (?:the |a |an |some |your )?{PERSON}\b",
    rf"\b{PERSON} (?:i|we) (?:can|could) (?:talk|speak) (?:to|with)\b",
    r"\bcall me\b|\bgive me a call\b|\bllamame\b|\bllamenme\b",
    r"\b(?:get|want|need|put) (?:me )?(?:to |through to )?(?:a |an |the )?"
    r"(?:human|real person|person|manager|operator|representative|live agent)\b",
    r"^(?:an? |the )?(?:operator|human|agent|representative|rep|real person|live agent|live person|manager)"
    r"(?: please| pls| plz| now)?[.!? ]*$",
    # A complaint wants a person: "I want a refund", "not happy", "someone needs to explain this".
    r"\b(?:refund|reembolso|complain\w*|complaint|queja|unacceptable|not happy|very unhappy|ripped off"
    r"|(?:someone|somebody) (?:needs|has) to (?:explain|call|fix)|overcharged|charged (?:me )?(?:twice|double))\b")
CANCEL = _any(r"\bcancel(?!lation polic)", r"\b(?:cancle|cansel|cancell|cnacel|cacnel|cancl)", r"\b(?:cxl|cxld|cncl)\b", r"\btake me off\b", r"\bwon'?t need (?:my|the|it|that)\b", r"\banular\b", r"\bcall (?:it )?off\b", r"\bno longer need\b",
              r"\bdon'?t need (?:the|my) (?:appointment|appt|booking)")
CANT_MAKE = _any(r"\b(?:can'?t|cant|cannot|won'?t|wont|unable to|not gonna|not going to)"
                 r" (?:be able to )?(?:make|come|be coming|be there)\b",
                 r"\bwon'?t be (?:coming|able to come|there)\b", r"\bno (?:puedo|podre|voy a poder) (?:ir|llegar)\b",
                 r"\bya no (?:voy|puedo|va)\b", r"\bolvida(?:te|lo)? (?:de )?(?:mi|la) cita\b")
# A new time offered with it: "can't make 3, can we do 5?" moves the visit; "can't make it at 4 today" gives it up.
COUNTER = _any(r"\bcan (?:we|i|u|you) (?:do|come|make it|get|go)\b", r"\bhow about\b", r"\bwhat about\b",
               r"\binstead\b", r"\brather\b", r"\b(?:any|anything|something) (?:else|later|earlier)\b",
               r"\bpodemos\b", r"\bmejor\b", r"\bse puede\b")
REBOOK_LATER = re.compile(r"\b(?:re-?book|re-?schedule) (?:later|another time|some other time)\b")
RESCHEDULE = _any(
    r"\bre-?sched", r"\breschedual", r"\brebook\b", r"\bpostpone", r"\bcambiar\b", r"\bmover\b",
    r"\breprogramar\b", r"\b(?:adelantar|atrasar|posponer|aplazar)\b",
    r"\b(?:correr|corre|correme|mover|pasar) (?:mi|la|su|el) (?:cita|corte|turno)\b", r"\b(?:pasa|pasas|pasar|pasame|corre|correr|correme|mueve|mueveme|muevan) (?:mi|la) cita\b",
    r"\b(?:move|push|bump|switch|shift) (?:my|it|me|the|our|that|this)\b",
    r"\bchange (?:my|the|our|it|that)\b",
    r"\b(?:different|another|other|earlier|later|new) (?:time|day|date|slot)\b",
    r"\blater today\b", r"\b(?:it|me|that) (?:later|earlier)\b", r"\bmove it up\b", r"\b(?:running|gonna be|going to be|i'?ll be|im|i'?m) (?:a bit |little |a little )?late\b",
    r"\brunning behind\b")
OFFERED = re.compile(r"\breply yes to book\b", re.IGNORECASE)  # Onward's offer of a slot (agents/booking/messages.py)
CHANGE = _any(r"\bmake it\b", r"\binstead\b", r"\bchange it to\b", r"\ben vez\b", r"\bmejor a las\b")
PRICES = _any(r"\bhow much\b", r"\bprice", r"\bpricing\b", r"\bcost", r"\bcharge", r"\brates?\b", r"\$",
              r"\bfees?\b", r"\bdeposit", r"\bcuanto\b", r"\bprecio", r"\bcuesta\b", r"\brun me\b",
              r"\bexpensive\b", r"\bcheap", r"\bdiscounts?\b", r"\bdescuentos?\b",
              r"\bwhat (?:does|would|will) (?:that|it|this|a \w+(?: \w+)?) run\b")
HOURS = _any(r"(?<!\d)(?<!\d )(?<!\ban )(?<!couple )(?<!few )\b(?:hours|hrs|hours?\?)(?! from now)",
             r"\bopen\b", r"\bopening (?:hours|times?)\b", r"\bclose\b(?! (?:to|by)\b)", r"\bclosing\b", r"\bclosed\b",
             r"\bhow late\b", r"\bwhat time do (?:you|u|y'?all)\b", r"\bhorario", r"\babren\b", r"\bcierran\b",
             r"\babiert[oa]s?\b")
BOOK = _any(
    r"\bbook", r"\bappointment", r"\bappt", r"\bschedul", r"\bsched\b", r"\breserv", r"\bslots?\b",
    r"\bopenings?\b(?! (?:hours|times?))", r"\bchairs?\b", r"\bavailab", r"\bspot\b", r"\bget in\b", r"\bcome in\b", r"\bcome by\b",
    r"\bstop by\b", r"\bfit me\b", r"\btake me\b", r"\bsqueeze me\b", r"\bslide (?:thru|through|in|by)\b", r"\bcita\b",
    r"\breservar\b", r"\bagendar\b", r"\bespacio\b", r"\bturno\b", r"\banything\b", r"\bfree\b",
    r"\bearliest\b", r"\bsoonest\b", r"\basap\b", r"\btime for\b", r"\bcan (?:i|u|you|we) (?:get|do)\b",
    r"\b(?:need|want|like|wanna) (?:a|an|to get|to come)\b", r"\bquiero\b", r"\bquisiera\b", r"\bnecesito\b")
AFFIRMATIVE = (r"(?:yes+|yess|yea+h?|yah|ya|yep|yup|y|ok(?:ay|ey)?|k+|sure|sounds (?:good|great|perfect)"
               r"|perfect|great|good|fine|that works|works(?: for me)?|that'?s (?:fine|good|perfect|great)"
               r"|confirm(?:ed)?|correct|absolutely|definitely|of course|deal|(?:let'?s )?do it|book it"
               r"|go ahead|si|claro|dale|perfecto|vale|de acuerdo|esta bien|👍|👌|✅|🙏|💯)")
CONFIRM = re.compile(rf"^(?!good (?:morning|afternoon|evening|night))(?!y (?!$)){AFFIRMATIVE}(?:$|[\s,.!]+(?!(?:but|pero|no|not)\b))")
DECLINE = _any(
    r"^(?:no+|nope|nah|naw|neither|none|not those|not really|never ?mind|nvm|scratch that|forget (?:it|that)"
    r"|i'?m good|ninguno|ninguna|nao|declined?|👎)(?:$|[\s,.!?])",
    r"\b(?:doesn'?t|does not|don'?t|do not|won'?t|wont|doesnt|dont) work\b",
    r"\bnone of (?:those|them|these|the)\b", r"\bneither of\b")
ASKS_IF_THEY_DO = re.compile(
    r"\b(?:do|does|can|will) (?:you|u|y'?all|ya'?ll|you guys|you all|anyone)(?: guys)? "
    r"(?:do|offer|have|sell|use|take|accept|cut|work)\b|\bis there\b|\bare (?:you|u)(?: guys)? \w+")
QUESTION = _any(r"\?$", r"^(?:do|does|is|are|can|could|will|would|what|where|how|hay|tienen|aceptan)\b")
GREETING = re.compile(
    r"^(?:hi+|hey+|hello+|yo|hola|good (?:morning|afternoon|evening|night)|happy \w+(?: \w+)?|merry \w+"
    r"|buen(?:os|as) (?:dias|tardes|noches)|thanks?|thank you|ty|who (?:is this|am i (?:texting|talking to)"
    r"|are you|dis)|(?:sorry )?wrong (?:number|person))(?: there| man| bro| guys| all)?[\s!.?]*$")
# A keyboard mash ("asdkjh", "lkjhg"): five consonants in a row, which words almost never have.
MASH = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}")
# Text written to steer a model rather than to ask the business anything: read as nothing.
INJECTION = _any(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|previous|above|guidelines)\b",
    r"\byou are now\b", r"\bsystem prompt\b", r"\bnew instructions\b", r"\bjailbreak", r"\bdeveloper mode\b",
    r"\bpretend (?:you are|to be)\b", r"\bact as (?:an? |the )?(?:admin|owner|system|developer)\b")
