"""Database models. Importing this package registers every table on `db.metadata`, which
Alembic's autogenerate and the schema tests compare against the migrations."""

from kiosk.models.alerts import KioskAlert, KioskAlertKind
from kiosk.models.api_clients import ApiClient
from kiosk.models.audit import AuditChainHead, AuditEvent
from kiosk.models.closures import ClosureReason, FloorplanClosure
from kiosk.models.devices import Board, EnrolledDevice, Kiosk
from kiosk.models.floorplan_drafts import DraftStack, FloorplanDraft, FloorplanDraftSnapshot
from kiosk.models.floorplans import FloorplanVersion
from kiosk.models.hl7_inbound import InboundHl7Message, InboundMessageStatus
from kiosk.models.outbox import OutboundKind, OutboundMessage, OutboundState
from kiosk.models.patients import (
    Appointment,
    AppointmentStatus,
    ArrivalChannel,
    CheckIn,
    Consent,
    ContactChange,
    ContactChangeStatus,
    Department,
    InsuranceCoverage,
    LookupAttempt,
    LookupThrottle,
    Patient,
    QueueTicket,
    QueueTicketStatus,
)
from kiosk.models.printing import PrinterState, PrinterStatus, PrintJob, PrintJobStatus
from kiosk.models.queue import QueueAction, QueueEvent, StaffDepartment
from kiosk.models.sessions import KioskSession
from kiosk.models.staff import (
    StaffAccountEvent,
    StaffRole,
    StaffRoleName,
    StaffSigninFailure,
    StaffUser,
)
from kiosk.models.wayfinding import PhoneRouteLink, WayfindingEvent, WayfindingEventKind

__all__ = [
    "ApiClient",
    "Appointment",
    "AppointmentStatus",
    "ArrivalChannel",
    "AuditChainHead",
    "AuditEvent",
    "Board",
    "CheckIn",
    "ClosureReason",
    "Consent",
    "ContactChange",
    "ContactChangeStatus",
    "Department",
    "DraftStack",
    "EnrolledDevice",
    "FloorplanClosure",
    "FloorplanDraft",
    "FloorplanDraftSnapshot",
    "FloorplanVersion",
    "InboundHl7Message",
    "InboundMessageStatus",
    "InsuranceCoverage",
    "Kiosk",
    "KioskAlert",
    "KioskAlertKind",
    "KioskSession",
    "LookupAttempt",
    "LookupThrottle",
    "OutboundKind",
    "OutboundMessage",
    "OutboundState",
    "Patient",
    "PhoneRouteLink",
    "PrintJob",
    "PrintJobStatus",
    "PrinterState",
    "PrinterStatus",
    "QueueAction",
    "QueueEvent",
    "QueueTicket",
    "QueueTicketStatus",
    "StaffAccountEvent",
    "StaffDepartment",
    "StaffRole",
    "StaffRoleName",
    "StaffSigninFailure",
    "StaffUser",
    "WayfindingEvent",
    "WayfindingEventKind",
]
