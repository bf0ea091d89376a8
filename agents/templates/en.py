"""What customers read and hear, in English: one template a name, with str.format fields.

Every language's module has the same names and fields (es.py); a tenant may override any of
them in its file (`templates: {en: {offer: "..."}}`). Runs of spaces left by an empty field
are closed up after formatting. Staff, owners and the operator are written to elsewhere.
"""
TEMPLATES: dict[str, str] = {
    # -- the pieces other texts are built of ---------------------------------------------------
    "when": "{day} at {time}",
    "or": "or",
    "reply": "Reply",
    "reply_voice": "Say",
    "price_with_deposit": "{price} ({deposit} deposit)",
    "span_day": "{count} day", "span_days": "{count} days",
    "span_hour": "{count} hour", "span_hours": "{count} hours",
    "span_minutes": "{count} minutes",
    "range": "{opens} to {closes}",
    "closed": "closed",
    # -- booking -----------------------------------------------------------------------------------
    "offer": "{service}, {when}, {price}. {reply} YES to book.",
    "move_offer": "Move your {service} from {old} to {new}? {reply} YES to move it.",
    "choices": "{listed}. {reply} {numbers} to pick, or name another time.",
    "free_times": "Free times: {choices}",
    "nearest_free": "{why} Nearest free: {choices}",
    "choices_again": "Which one? {choices}",
    "why_full": "{day} is fully booked.",
    "why_just_taken": "Sorry, {when} was just taken.",
    "why_past": "{when} has already passed.",
    "why_too_soon": "We need {notice} notice to book, so {when} is too soon.",
    "why_too_far": "We book up to {horizon} ahead, so {when} is too far out.",
    "why_closed": "We're closed on {weekdays}.",
    "why_outside_hours": "{when} is outside our hours ({hours}).",
    "why_off_grid": "Appointments start every {step}, so not at {when}.",
    "why_taken": "{when} is taken.",
    "past_day": "That day has passed, which day would you like?",
    "refused": "{why} What other day or time would suit you?",
    "services_question": "Which service would you like? {services}.",
    "ask_when": "Sure, a {service} ({price}). What day and time would you like?",
    "ask_when_move": "What day and time would suit you better for your {service}?",
    "ask_time": "What time on {day}? We're open {hours}; the first free time is {first}.",
    "confirmation": "You're booked: {service}, {when}, {price}. {deposit} {change}",
    "deposit_in_shop": "Deposit {deposit}, paid in the shop.",
    "change_hint": "Reply X to cancel or R to reschedule, at least {cutoff} before.",
    "change_hint_voice": "To cancel or move it, call or text us at least {cutoff} before.",
    "deposit_due": ("Almost done: {service}, {when}, {price}. Pay the {deposit} deposit with the link "
                    "we're texting you to confirm it."),
    "deposit_link": "{business}: to confirm your {service} on {when}, pay the {deposit} deposit by {by}: {url}",
    "deposit_unpaid": ("The deposit for your {service} on {when} wasn't paid in time, so the time has been "
                       "released. Text us to book again."),
    "moved": "Done, your {service} is now {when}, {price}. {change}",
    "cancelled": "Your {service} on {when} is cancelled. Text us any time to book again.",
    "too_late": ("Your {service} on {when} is less than {cutoff} away, so it can't be changed by text. "
                 "Please call us at {phone}."),
    "no_booking": "You have no upcoming appointments with us. Tell me a service and a time to book one.",
    "which_cancel": "Which one should I cancel? {listed}. {reply} the number.",
    "which_move": "Which one should I move? {listed}. {reply} the number.",
    "reminder": ("Reminder from {business}: your {service} is {when}. "
                 "Reply C to confirm, R to reschedule or X to cancel."),
    "visit_confirmed": "Thanks, see you {when}.",
    "nothing_to_confirm": "There's nothing waiting for a yes. {can_do}",
    "declined": "OK, nothing is booked. Text us any time.",
    "noted": "OK. Text us any time.",
    "ask_name": "What name should we put it under?",
    "ask_name_voice": "And what's your name?",
    "name_thanks": "Thanks, {first}!",
    "thanks": "Thanks!",
    # -- questions, answered from the tenant's file only ----------------------------------------
    "hours": "{business} hours: {hours}.",
    "hours_unknown": "{business}: please call us for our hours.",
    "open_on_day": "On {day} we're open {opens} to {closes}.",
    "closed_on_day": "We're closed on {day}.",
    "prices": "{listed}. Text the service and a time to book.",
    "prices_unknown": "{business}: please call us for prices.",
    "service_price": "{service}: {price}, {duration}. Text a day and time to book.",
    "unlisted": "That's not something we list; want me to ask the team?",
    "team_asked": "I'll ask the team and get back to you.",
    "team_called": "I've asked the team to get back to you shortly.",
    "no_operator": "Please call us at {phone}.",
    # -- a greeting, and what isn't understood ------------------------------------------------------
    "greeting": ("Hi! This is {business}. I can book, move or cancel an appointment, or tell you our "
                 "hours and prices. What can I do for you?"),
    "can_do": ('You can book with {business} (e.g. "{example} tomorrow at 3pm"), ask our hours or prices, '
               "or reply X to cancel a booking."),
    "unclear": "What would you like to do: book, move or cancel an appointment, or ask our hours or prices?",
    "unclear_offer": "Should I book {when}? {reply} YES, or name another time.",
    "unclear_choices": "Which time would you like? {choices}",
    "unclear_booking": "Which day and time would you like?",
    "handed_off": "I've passed your message to the team; someone will get back to you.",
    # -- phone calls -----------------------------------------------------------------------------
    "call_hello": "Thanks for calling {business}. {offer}",
    "call_hello_name": "Hi {first}, thanks for calling {business}. {offer}",
    "call_offer": "You can book, move or cancel an appointment, or press 0 for a person. How can I help?",
    "call_silent": "Sorry, I didn't catch that. {offer}",
    "call_silent_end": "Sorry, I still can't hear you. {told} Thanks for calling {business}. Goodbye.",
    "call_link_texted": "I've texted you a link to book instead.",
    "call_again": "Please call or text us again.",
    "call_link_url": "Sorry we couldn't hear you on the phone. Book with {business} here: {url} or reply BOOK "
                     "to this text.",
    "call_link_sms": ("Sorry we couldn't hear you on the phone. To book with {business}, reply BOOK to this "
                      "text or tap sms:{number}?body=BOOK and send it."),
    "call_connecting": "Connecting you to {first} now. Please hold.",
    "call_no_operator": "Sorry, nobody can come to the phone right now. {told} Is there anything else I can "
                        "help with?",
    "call_no_operator_texted": "I've texted you, so you can leave a message.",
    "call_no_operator_untexted": "Please text this number with your message.",
    "call_no_operator_text": ("Sorry we couldn't put you through to {business}. Reply to this text with your "
                              "message and we'll get back to you."),
    "call_end": "Thanks for calling {business}. Goodbye.",
    "call_anything_else": "Is there anything else I can help with?",
    "call_say_again": "Sorry, could you say that again?",
    "call_text_instead": "Please text us to carry on. Goodbye.",
    "call_keys_yes_no": "Or press 1 for yes, 2 for no.",
}
