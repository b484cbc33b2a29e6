"""The app's screens, one per module: worklist, task form, dossier, new case, error modal."""
