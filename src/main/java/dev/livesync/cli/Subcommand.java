package dev.livesync.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every picocli command shares: its model (picocli injects it) and the streams it writes to, the
 * command line's own so that tests capture them. The bare {@code @Command} only lets picocli inject
 * the spec here; each subclass's own {@code @Command} says everything else.
 */
@Command
abstract class Subcommand implements Callable<Integer> {
  @Spec CommandSpec cmd;

  PrintWriter out() {
    return cmd.commandLine().getOut();
  }

  PrintWriter err() {
    return cmd.commandLine().getErr();
  }
}
