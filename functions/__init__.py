"""The function edges: each module holds one blueprint that turns its trigger into a call of the
shared code and the result into a response."""
