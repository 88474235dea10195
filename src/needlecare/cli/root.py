"""The root Typer application; command modules attach their commands to it.

Command modules import heavy dependencies inside their functions so that
`needlecare ingredients` starts fast (it is timed as a whole process).
"""

import typer

app = typer.Typer(
    name="needlecare",
    help="NeedleCare: recovery companion after microneedling. Informs; never diagnoses.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2
