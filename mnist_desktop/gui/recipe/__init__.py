"""Recipe editing: model, normalize and augment panels, live preview, export dialog."""
