"""The desk's rules, pure: the SLA calendar, policy and clocks, the ticket and its
lifecycle, who may see what, notifications and mail as values, received mail's rules.

Imports only the standard library, ``holidays`` and ``shared.domain`` itself."""
