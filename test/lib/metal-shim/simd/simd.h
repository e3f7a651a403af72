// Empty: the generated MSL includes it, and uses nothing from it.
