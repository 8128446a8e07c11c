"""Small helpers every app may use: view access marks, fresh-code checks, the capped
paginator, action errors on forms, spreadsheet-safe cells.

The ground floor beside ``partnership``: it imports nothing of Tessera but ``partnership``,
so any layer above may depend on it (ADR 0010).
"""
