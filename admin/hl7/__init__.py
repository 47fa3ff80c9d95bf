"""HL7 v2 from the hospital's interface engine: SIU scheduling and ADT demographics messages
received over MLLP by `flask hl7 listen`, stored with the ACK each was answered with, and
applied through the schedule store. docs/hl7-interface.md is the interface specification."""
