"""The detail view of the selected image."""
