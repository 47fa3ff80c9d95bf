"""The waiting-room board: a TV across the room that shows ticket numbers being called.

Ticket numbers, desks and counts only — never a name, a reason or the real name of a
neutral-labelled department. A board is an enrolled device (`flask board enroll AREA`), so it
keeps working unattended across restarts; it polls for news every few seconds and is answered
"304 Not Modified" while nothing changed.
"""
