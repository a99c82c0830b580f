"""Outbound integrations: the CRM telling other systems what happened."""
