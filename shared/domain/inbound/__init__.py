"""Received mail as the desk reasons about it: the message read, robots told from
people, thread clues, the record of each mail's outcome."""
