"""The HTTP kit of the edges: responses, the authenticated endpoint with its error
mapping, the route catalogue."""
