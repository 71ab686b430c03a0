"""The templates checked against Azure's own resource type definitions, offline.

``python -m infra.azure_types`` (run by ``make lint``) reads every template under ``infra/`` with
pycep, evaluates what can be known before deployment, and checks every resource body and every
read of a resource's properties against the types of ``Azure/bicep-types-az`` (the definitions
the Bicep compiler embeds), trimmed by ``refresh.py`` to the types the templates use. See
``infra/README.md``.
"""
