"""The calendar. The built-in one is the bookings table, written by the booking engine
(agents/booking); ical.py serves it to calendar apps as one iCalendar feed per tenant."""
