"""Generated demo data: fake people (Faker nl_NL) and schema-valid form data. Never real people."""
