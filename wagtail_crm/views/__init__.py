"""Admin screens and endpoints of the CRM, one module per screen."""
