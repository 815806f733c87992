"""Test helpers shared by unit, integration and flow tests."""
