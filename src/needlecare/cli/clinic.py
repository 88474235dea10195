"""CLI: needlecare clinic create --name NAME --admin-email EMAIL [--admin-name NAME]

For the server operator: adds a clinic and its first admin, and prints a one-time link
(valid 7 days) where the admin sets their password. Nothing is emailed."""

from __future__ import annotations

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app, settings_or_exit

OPTION = {"clinic_name": "--name", "display_name": "--admin-name", "email": "--admin-email"}
clinic_app = typer.Typer(help="Clinics on this server: create one with its first admin.")
app.add_typer(clinic_app, name="clinic")


@clinic_app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="The clinic's name, as patients see it"),
    admin_email: str = typer.Option(..., "--admin-email", help="The first admin's email"),
    admin_name: str = typer.Option("", "--admin-name", help="The admin's name (default: email)"),
) -> None:
    """Create a clinic and its admin; print the admin's one-time set-password link."""
    from needlecare.services import clinics
    from needlecare.services.errors import Conflict, Invalid
    from needlecare.storage.engine import make_engine, make_session_factory
    from needlecare.storage.uow import UnitOfWork

    settings = settings_or_exit()
    engine = make_engine(settings.database_url, pooled=False)
    try:
        made = clinics.create_clinic(
            UnitOfWork(make_session_factory(engine)), name, admin_email, admin_name
        )
    except Invalid as exc:
        for error in exc.errors:
            typer.echo(f"error: {OPTION.get(error.field, error.field)}: {error.message}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Conflict as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    assert made.link is not None
    expires = made.link.expires_at
    typer.echo(f"Clinic #{made.clinic_id} created; admin {admin_email.strip().lower()}.")
    typer.echo(
        f"Send the admin this private link to set their password (works once, "
        f"until {expires:%Y-%m-%d %H:%M} UTC):"
    )
    typer.echo(f"{settings.base_url}/account/password/{made.link.token}")
