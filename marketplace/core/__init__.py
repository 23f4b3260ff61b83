"""Small shared pieces with no Flask views."""
