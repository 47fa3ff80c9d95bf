"""Patient arrival check-in: identifying a patient against today's appointments (by single-use
appointment code or by last name and date of birth), the per-kiosk lookup throttle, audit events,
and the screens and flow that walk a patient from "who are you" to a ticket and directions."""
