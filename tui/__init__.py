"""Traject's caseworker terminal app (Textual). Talks to the engine only through `engine`'s exports."""
