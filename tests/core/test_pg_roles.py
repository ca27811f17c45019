"""The read-only reader role of the PostgreSQL marts: its name, its creation, and the command that creates it.

The test marked ``postgres`` runs against the real server ``make test-postgres`` starts; that the
role reads every mart and writes nothing after dbt builds is tested with Superset in
``tests/dashboards/test_dashboards_postgres.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import psycopg
import pytest

from closedloop.cli import main
from closedloop.core.errors import ClosedloopError
from closedloop.core.pg import target_from_env
from closedloop.core.pg_roles import check_role_name, create_reader, reader_role_from_env


@pytest.mark.parametrize("name", ["bi_reader", "_superset", "reader2"])
def test_a_plain_lower_case_role_name_is_taken(name: str) -> None:
    assert check_role_name(name) == name


@pytest.mark.parametrize("name", ["BI_Reader", "2reader", "reader; drop table marts.fct_tickets", "", "a" * 64,
                                  'bi"reader'])
def test_a_role_name_dbt_could_not_write_unquoted_is_refused_naming_where_it_came_from(name: str) -> None:
    with pytest.raises(ClosedloopError, match="CLOSEDLOOP_WAREHOUSE_READER_ROLE must be a lower-case"):
        reader_role_from_env({"CLOSEDLOOP_WAREHOUSE_READER_ROLE": name or "  -"})
    with pytest.raises(ClosedloopError, match="--role must be"):
        check_role_name(name)


def test_dbt_gets_the_reader_role_only_when_one_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": "postgresql://closedloop@db.example:5432/support"})
    assert target is not None
    monkeypatch.delenv("CLOSEDLOOP_WAREHOUSE_READER_ROLE", raising=False)
    assert "CLOSEDLOOP_WAREHOUSE_READER_ROLE" not in target.dbt_env()
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE_READER_ROLE", " bi_reader ")
    assert target.dbt_env()["CLOSEDLOOP_WAREHOUSE_READER_ROLE"] == "bi_reader"
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE_READER_ROLE", "BI Reader")
    with pytest.raises(ClosedloopError, match="CLOSEDLOOP_WAREHOUSE_READER_ROLE"):
        target.dbt_env()


def test_creating_a_reader_without_a_shared_warehouse_says_what_is_missing(capsys: pytest.CaptureFixture[str],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOSEDLOOP_WAREHOUSE_URL", raising=False)
    assert main(["warehouse", "create-reader", "--role", "bi_reader"]) == 2
    assert "needs CLOSEDLOOP_WAREHOUSE_URL=postgresql://" in capsys.readouterr().err


def test_creating_a_reader_without_its_password_says_where_it_is_read(capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE_URL", "postgresql://closedloop@127.0.0.1:1/closedloop")
    monkeypatch.delenv("CLOSEDLOOP_WAREHOUSE_READER_PASSWORD", raising=False)
    assert main(["warehouse", "create-reader", "--role", "bi_reader"]) == 2
    assert "set CLOSEDLOOP_WAREHOUSE_READER_PASSWORD" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_reader_is_a_read_only_login_without_powers_and_creating_it_again_resets_it(pg_warehouse_url: str) -> None:
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": pg_warehouse_url})
    assert target is not None
    role = f"test_reader_{target.dbname[-10:]}"
    try:
        assert create_reader(target, role, "first password") == 0  # no marts yet
        with target.connect() as pg:
            pg.execute("create table marts.fct_example (one integer)")
            pg.commit()
        assert create_reader(target, role, "second password") == 1
        with target.connect() as pg:
            row = pg.execute("select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, "
                             "coalesce(array_to_string(rolconfig, ','), '') from pg_roles where rolname = %s",
                             (role,)).fetchone()
            readable = pg.execute("select has_table_privilege(%s, 'marts.fct_example', 'select'), "
                                  "has_table_privilege(%s, 'marts.fct_example', 'insert'), "
                                  "has_schema_privilege(%s, 'marts', 'create')", (role, role, role)).fetchone()
            stored = pg.execute("select rolpassword from pg_authid where rolname = %s", (role,)).fetchone()
        assert row == (True, False, False, False, False, "default_transaction_read_only=on")
        assert readable == (True, False, False)
        # The server holds a SCRAM verifier of the second password, hashed before it was sent.
        assert stored is not None
        assert _scram_matches(str(stored[0]), "second password")
        assert not _scram_matches(str(stored[0]), "first password")
    finally:
        with psycopg.connect(pg_warehouse_url, autocommit=True) as admin:
            admin.execute(f'drop owned by "{role}"')
            admin.execute(f'drop role if exists "{role}"')


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether ``verifier`` (``SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey``, RFC 5803) is of ``password``."""
    method, _, rest = verifier.partition("$")
    params, _, keys = rest.partition("$")
    iterations, _, salt = params.partition(":")
    stored_key = keys.partition(":")[0]
    if method != "SCRAM-SHA-256":
        return False
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), base64.b64decode(stored_key))
