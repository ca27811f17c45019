"""Runs inside Superset's own virtualenv (not the project's): import the bundle, set up the Viewer role.

Usage: ``.venv-superset/bin/python dashboards/superset_setup.py BUNDLE.zip``, with SUPERSET_CONFIG_PATH
set. Creates ``admin`` when missing, with ``CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD`` or a generated password
(printed once, on a line ``generated admin password: ...``); when the variable is set, an existing admin
gets that password. Reads ``CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD`` (optional) to create or update a
``viewer`` user.

The Viewer role is Gamma's read permissions (no write, no SQL Lab) plus access to every dataset of
the closedloop database; dashboards are published, so a Viewer sees them all.
"""

from __future__ import annotations

import os
import secrets
import sys
from zipfile import ZipFile

WRITE_PREFIXES = ("can_write", "can_add", "can_edit", "can_delete", "can_save", "can_import", "can_export",
                  "can_share", "can_tag", "can_set_embedded", "can_delete_embedded", "can_copy_clipboard")
DATABASE = "closedloop"


def main(bundle: str) -> int:
    """Import ``bundle`` as admin, then (re)build the Viewer role and the optional viewer user."""
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from flask import g
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.core import Database

        admin = security_manager.find_user(username="admin")
        admin_password = os.environ.get("CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD")
        if admin is None:
            password = admin_password or secrets.token_urlsafe(12)
            admin = security_manager.add_user("admin", "closedloop", "admin", "admin@closedloop.invalid",
                                              security_manager.find_role("Admin"), password=password)
            db.session.commit()
            if not admin_password:
                print(f"generated admin password: {password}")
        elif admin_password:
            security_manager.reset_password(admin.id, admin_password)
        g.user = admin
        with ZipFile(bundle) as archive:
            contents = get_contents_from_bundle(archive)
        ImportAssetsCommand(contents).run()
        print(f"imported {sum(1 for name in contents if name.endswith('.yaml'))} files from {bundle}")

        import yaml
        from superset.models.slice import Slice

        bundled = {str(yaml.safe_load(text)["uuid"]) for name, text in contents.items()
                   if name.split("/")[0] == "charts" or "/charts/" in name}
        database = db.session.query(Database).filter_by(database_name=DATABASE).one()
        dataset_ids = [d.id for d in db.session.query(SqlaTable).filter_by(database_id=database.id)]
        stale = [c for c in db.session.query(Slice).filter(Slice.datasource_id.in_(dataset_ids))
                 if str(c.uuid) not in bundled]
        for chart in stale:
            db.session.delete(chart)
        db.session.commit()
        if stale:
            print(f"removed {len(stale)} charts no longer in the bundle")

        gamma = security_manager.find_role("Gamma")
        viewer = security_manager.find_role("Viewer") or security_manager.add_role("Viewer")
        permissions = [p for p in gamma.permissions if not p.permission.name.startswith(WRITE_PREFIXES)]
        datasets = db.session.query(SqlaTable).filter_by(database_id=database.id).all()
        for dataset in datasets:
            security_manager.add_permission_view_menu("datasource_access", dataset.perm)
            permissions.append(security_manager.find_permission_view_menu("datasource_access", dataset.perm))
        viewer.permissions = permissions
        db.session.commit()
        print(f"role Viewer: {len(permissions)} permissions, {len(datasets)} datasets")

        viewer_password = os.environ.get("CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD")
        if viewer_password:
            user = security_manager.find_user(username="viewer")
            if user is None:
                security_manager.add_user("viewer", "Viewer", "User", "viewer@closedloop.invalid", viewer,
                                          password=viewer_password)
            else:
                user.roles = [viewer]
                security_manager.reset_password(user.id, viewer_password)
            db.session.commit()
            print("user viewer: role Viewer")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
