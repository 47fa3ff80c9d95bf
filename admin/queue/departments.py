"""Which departments a coordinator works for: their "all my departments" on the Today screen.

Nobody is listed for a department by default, and a coordinator with no department listed works
for all of them (a small clinic needs no setup). `flask queue departments EMAIL CODE...` sets
the list, `--all` clears it.
"""

from __future__ import annotations

from collections.abc import Sequence

import click
from flask.cli import AppGroup
from sqlalchemy import delete, select

from kiosk.extensions import db
from kiosk.models import Department, StaffDepartment, StaffUser

queue_group = AppGroup("queue", help="Set up the front desk's queue screens.")


def coordinator_departments(staff_id: int | None) -> list[Department]:
    """The departments the coordinator works for (every department when none is listed), by
    code."""
    everything = select(Department).order_by(Department.code)
    if staff_id is None:
        return list(db.session.scalars(everything))
    listed = list(
        db.session.scalars(
            everything.join(StaffDepartment, StaffDepartment.department_id == Department.id).where(
                StaffDepartment.staff_id == staff_id
            )
        )
    )
    return listed or list(db.session.scalars(everything))


def set_departments(staff_id: int, codes: Sequence[str]) -> list[str]:
    """List the coordinator for exactly these departments (none: all); commit. Returns the
    codes that match no department (nothing is changed then)."""
    found = {
        department.code: department.id
        for department in db.session.scalars(select(Department).where(Department.code.in_(codes)))
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        return unknown
    db.session.execute(delete(StaffDepartment).where(StaffDepartment.staff_id == staff_id))
    db.session.add_all(
        StaffDepartment(staff_id=staff_id, department_id=department_id)
        for department_id in sorted(set(found.values()))
    )
    db.session.commit()
    return []


@queue_group.command("departments")
@click.argument("email")
@click.argument("codes", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Work for every department (the default).")
def departments_command(email: str, codes: tuple[str, ...], every: bool) -> None:
    """Show or set the departments a staff member works for on the Today screen."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        raise click.UsageError(f"no staff account for {email}")
    if codes or every:
        unknown = set_departments(user.id, () if every else codes)
        if unknown:
            raise click.UsageError(f"no department with code {', '.join(unknown)}")
    listed = db.session.scalar(
        select(StaffDepartment.staff_id).where(StaffDepartment.staff_id == user.id).limit(1)
    )
    names = [department.code for department in coordinator_departments(user.id)]
    scope = "listed" if listed is not None else "all (none listed)"
    click.echo(f"{email}: {scope}: {' '.join(names)}")
