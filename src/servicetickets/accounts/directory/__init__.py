"""Directory sign-in (OIDC, LDAP): optional, configured by the environment (see README).

Nothing here imports ``mozilla_django_oidc`` or ``django_auth_ldap`` at module level except
the backend modules, which settings only name when their directory is configured."""
