"""Page types that only the tests need."""
