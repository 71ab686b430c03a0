"""Notifications by email: what the desk tells customers and operators, and in which words."""
