"""Repositories on Azure Table Storage: the adapters between the domain and ``azure-data-tables``."""
