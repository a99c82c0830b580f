"""Registrations only: viewsets, menu, dashboard panels, permissions."""
