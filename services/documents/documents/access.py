"""Who may do what with documents, named once; which documents a caller sees is library/service.py's `visible`."""

from __future__ import annotations

from smartcity_kit.identity import Role, require_roles

# the route names its permission, and the gateway's table says the same (tests/test_permissions.py)
CanManageProgramme = require_roles(Role.ADMIN, Role.OPERATOR)
# a region for its own region (the form's region_code is checked), or staff for any
OwnRegionOrStaff = require_roles(Role.ADMIN, Role.OPERATOR, Role.REGION)
