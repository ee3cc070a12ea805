package dev.livesync.cli;

import dev.livesync.LivesyncException;
import picocli.CommandLine;

/** Turns expected failures into one clear line on stderr and their exit code; bugs keep their trace. */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    if (ex instanceof LivesyncException le) {
      cl.getErr().println("livesync: " + le.getMessage());
      return le.exitCode();
    }
    cl.getErr().println("livesync: internal error: " + ex);
    ex.printStackTrace(cl.getErr());
    return 70;
  }
}
