"""Dates, times, prices and durations as a customer reads them, in their language.

    Words(tenant, "en").when(start)              -> "Tue Nov 24 at 3:00 PM"
    Words(tenant, "es").when(start)              -> "mar 24 nov a las 3:00 PM"
    Words(tenant, "es", voice=True).day(start)   -> "martes 24 de noviembre"
    Words(tenant, "es")("offer", service=...)    -> the tenant's or the language's template, filled in
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from agents.templates import say
from config.schema import DAYS, Service, Tenant

# Monday first, as date.weekday() counts
WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
SHORT_WEEKDAYS_ES = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre")
SHORT_MONTHS_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic")
SPANS = (("day", 1440), ("hour", 60))


def money(amount: Decimal) -> str:
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


def clock(moment: time) -> str:
    """ "3:00 PM" in both languages (Spanish texts in the US write the hour so too)."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


@dataclass(frozen=True)
class Words:
    tenant: Tenant
    lang: str = "en"
    voice: bool = False  # spoken: days and months in full, "say" for "reply"

    def __call__(self, name: str, **fields: object) -> str:
        return say(self.tenant, self.lang, name, **fields)

    @property
    def reply(self) -> str:
        return self("reply_voice" if self.voice else "reply")

    def day(self, start: datetime | date) -> str:
        local = start.astimezone(self.tenant.zone) if isinstance(start, datetime) else start
        if self.lang == "es":
            if self.voice:
                return f"{WEEKDAYS_ES[local.weekday()]} {local.day} de {MONTHS_ES[local.month - 1]}"
            return f"{SHORT_WEEKDAYS_ES[local.weekday()]} {local.day} {SHORT_MONTHS_ES[local.month - 1]}"
        return f"{local.strftime('%A %B' if self.voice else '%a %b')} {local.day}"

    def clock_at(self, start: datetime) -> str:
        return clock(start.astimezone(self.tenant.zone).time())

    def when(self, start: datetime) -> str:
        return self("when", day=self.day(start), time=self.clock_at(start))

    def weekdays(self, start: datetime) -> str:
        """ "Tuesdays", "sábados": the day of the week, every week."""
        weekday = start.astimezone(self.tenant.zone).weekday()
        if self.lang == "es":
            name = WEEKDAYS_ES[weekday]
            return name + "s" if name.endswith("o") else name
        return start.astimezone(self.tenant.zone).strftime("%A") + "s"

    def day_name(self, day: str) -> str:
        """A tenant file's day ("mon") as the hours list shows it: "Mon", "lun"."""
        return SHORT_WEEKDAYS_ES[DAYS.index(day)] if self.lang == "es" else day.title()

    def span(self, duration: timedelta) -> str:
        minutes = int(duration.total_seconds() // 60)
        for unit, size in SPANS:
            if minutes >= size and minutes % size == 0:
                count = minutes // size
                return self(f"span_{unit}{'s' if count != 1 else ''}", count=count)
        return self("span_minutes", count=minutes)

    def price(self, service: Service) -> str:
        if not service.deposit:
            return money(service.price)
        return self("price_with_deposit", price=money(service.price), deposit=money(service.deposit))

    def numbers(self, count: int) -> str:
        """ "1, 2 or 3" """
        listed = [str(i) for i in range(1, count + 1)]
        return f" {self('or')} ".join([", ".join(listed[:-1]), listed[-1]]) if count > 1 else "1"
