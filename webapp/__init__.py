"""kartoteka web app (see issue 3)."""
