"""Settings, read once from the environment, failing fast with the name of what is
missing or wrong. One module per part of the app."""
