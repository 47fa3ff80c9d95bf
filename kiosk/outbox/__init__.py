"""The outbox of messages to the hospital's interface engine.

Features that change what the hospital's systems must hear about (a check-in at a kiosk or the
desk, a queue change that moves an appointment, an insurance card a coordinator accepted) call
`enqueue_appointment_status` or `enqueue_coverage_accepted` inside their own transaction; the
delivery worker in `admin.interfaces` renders and sends the HL7 messages.
"""
