"""Runs inside Superset's own virtualenv (not the project's): import the bundle, set up the Viewer role.

Usage: ``.venv-superset/bin/python dashboards/superset_setup.py BUNDLE.zip``, with SUPERSET_CONFIG_PATH
set. Creates ``admin`` when missing, with ``CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD`` or a generated password
(printed once, on a line ``generated admin password: ...``); when the variable is set, an existing admin
gets that password. Reads ``CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD`` (optional) to create or update a
``viewer`` user. With ``CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD`` set, it is the password of the
bundle's PostgreSQL database (given to the import, which stores it in Superset's metadata database).

The Viewer role is Gamma's read permissions (no write, no SQL Lab, no legacy ``explore_json``) plus
access to every dataset of the closedloop database and CSV download of a chart's data (``can_csv`` on
``Superset``, what Superset 6.1's chart-data API checks for ``result_format: csv``); dashboards are
published, so a Viewer sees them all. The configured security manager (superset_guard.py) limits
the Viewer's chart queries to saved columns and metrics.
"""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any
from zipfile import ZipFile

WRITE_PREFIXES = ("can_write", "can_add", "can_edit", "can_delete", "can_save", "can_import", "can_export",
                  "can_share", "can_tag", "can_set_embedded", "can_delete_embedded", "can_copy_clipboard")
DATABASE = "closedloop"
DATABASE_FILE = f"databases/{DATABASE}.yaml"  # the key of its password in the import
# The legacy chart endpoint takes any form data; the dashboards' chart types all use /api/v1/chart/data.
LEFT_OUT = {("can_explore_json", "Superset")}
ADDED = (("can_csv", "Superset"),)


def main(bundle: str) -> int:
    """Import ``bundle`` as admin, then (re)build the Viewer role and the optional viewer user.

    Args:
        bundle: Path of the bundle's zip file.

    Returns:
        The exit code (0).
    """
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from flask import g
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.core import Database

        g.user = _admin(db, security_manager)
        with ZipFile(bundle) as archive:
            contents = get_contents_from_bundle(archive)
        ImportAssetsCommand(contents, passwords=_database_passwords()).run()
        print(f"imported {sum(1 for name in contents if name.endswith('.yaml'))} files from {bundle}")

        database = db.session.query(Database).filter_by(database_name=DATABASE).one()
        datasets = db.session.query(SqlaTable).filter_by(database_id=database.id)  # runs anew each time it is read
        _remove_stale_charts(db, contents, datasets)
        viewer = _viewer_role(db, security_manager, datasets)
        _viewer_user(db, security_manager, viewer)
    return 0


def _database_passwords() -> dict[str, str]:
    """The PostgreSQL reader's password for the import (``CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD``), by bundle file.

    Superset keeps it (encrypted with its secret key) in its metadata database; no file holds it.
    """
    password = os.environ.get("CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD")
    return {DATABASE_FILE: password} if password else {}


def _admin(db: Any, security_manager: Any) -> Any:
    """The ``admin`` user: created when missing, its password reset when the variable sets one."""
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
    return admin


def _remove_stale_charts(db: Any, contents: dict[str, str], datasets_query: Any) -> None:
    """Delete the charts over the datasets of ``datasets_query`` that the imported bundle no longer has."""
    import yaml
    from superset.models.slice import Slice

    bundled = {str(yaml.safe_load(text)["uuid"]) for name, text in contents.items()
               if name.split("/")[0] == "charts" or "/charts/" in name}
    dataset_ids = [d.id for d in datasets_query]
    stale = [c for c in db.session.query(Slice).filter(Slice.datasource_id.in_(dataset_ids))
             if str(c.uuid) not in bundled]
    for chart in stale:
        db.session.delete(chart)
    db.session.commit()
    if stale:
        print(f"removed {len(stale)} charts no longer in the bundle")


def _viewer_role(db: Any, security_manager: Any, datasets_query: Any) -> Any:
    """The Viewer role, rebuilt: Gamma's read permissions plus access to every dataset of ``datasets_query``."""
    gamma = security_manager.find_role("Gamma")
    viewer = security_manager.find_role("Viewer") or security_manager.add_role("Viewer")
    permissions = [p for p in gamma.permissions if not p.permission.name.startswith(WRITE_PREFIXES)
                   and (p.permission.name, p.view_menu.name) not in LEFT_OUT]
    for permission, view in ADDED:
        security_manager.add_permission_view_menu(permission, view)
        permissions.append(security_manager.find_permission_view_menu(permission, view))
    datasets = datasets_query.all()
    for dataset in datasets:
        security_manager.add_permission_view_menu("datasource_access", dataset.perm)
        permissions.append(security_manager.find_permission_view_menu("datasource_access", dataset.perm))
    viewer.permissions = list({p.id: p for p in permissions}.values())  # Gamma may hold one of ADDED already
    permissions = viewer.permissions
    db.session.commit()
    print(f"role Viewer: {len(permissions)} permissions, {len(datasets)} datasets")
    return viewer


def _viewer_user(db: Any, security_manager: Any, viewer: Any) -> None:
    """Create or update the ``viewer`` user when ``CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD`` is set."""
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
