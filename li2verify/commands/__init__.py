"""The commands of the ``li2verify`` CLI beyond ``report`` and ``claims``, and the CLI's one error boundary."""

from __future__ import annotations

import click


class ErrorBoundaryGroup(click.Group):
    """The error boundary of every ``li2verify`` command: a user error is click's one ``Error:`` line with exit
    2 (raised by the command); out of memory or input nested too deeply is one line with exit 2; anything else
    unexpected is one ``error:`` line with exit 1 (a bug; ``-vv`` logs the traceback) — never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except MemoryError:
            raise click.UsageError("out of memory; lower the problem's size (the grid, K, batch_cells, seeds)") \
                from None
        except RecursionError:
            raise click.UsageError("input nested too deeply") from None
        except Exception as e:  # noqa: BLE001
            from li2verify.commands.train import _internal_error

            _internal_error(e, None)
