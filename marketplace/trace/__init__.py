"""Traceability: batches (lô), trace events, origin stamps (tem truy xuất), stamp sheets, scan log."""
