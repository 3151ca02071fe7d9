"""Tables of the medical module (items, services, diagnoses)."""
