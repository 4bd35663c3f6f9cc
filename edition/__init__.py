"""The edition's small helper package: data loading and checks, chart style, book plug-ins."""
