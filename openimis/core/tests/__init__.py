"""Tests of the core module that need no other module: password hashing."""
