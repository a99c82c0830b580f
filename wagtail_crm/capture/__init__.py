"""Every way a lead or a conversation arrives in the CRM."""
